import { useEffect, useRef, useState } from 'react';
import type { TextKey } from '../i18n/da';
import { useI18n } from '../i18n/i18n';

type Status = 'asking' | 'ready' | 'denied' | 'no-device';

/**
 * Where the camera permission is switched back on differs by browser; citizens on a cheap phone mostly have Chrome
 * or Samsung Internet on Android, or Safari on an iPhone (where every iOS browser follows Safari's settings).
 */
export function deniedHelpKey(userAgent: string): TextKey {
  if (/iPhone|iPad|iPod/.test(userAgent)) return 'call.check.deniedHelp.iosSafari';
  if (/SamsungBrowser/.test(userAgent)) return 'call.check.deniedHelp.samsung';
  if (/Firefox\//.test(userAgent)) return 'call.check.deniedHelp.firefox';
  if (/Android/.test(userAgent)) return 'call.check.deniedHelp.androidChrome';
  return 'call.check.deniedHelp';
}

/** The camera and microphone a citizen's call uses: the front camera at a size cheap phones manage, clean audio. */
export function citizenMediaConstraints(audioOnly: boolean): MediaStreamConstraints {
  const audio = { echoCancellation: true, noiseSuppression: true };
  return audioOnly ? { audio } : { audio, video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } } };
}

/**
 * Before joining: a camera preview, a microphone level meter, and a plain explanation when the browser refused
 * access. The citizen may choose audio only. Calls onJoin with the stream it opened (kept for the call).
 */
export function DeviceCheck({ onJoin, actionLabel }: {
  onJoin(stream: MediaStream | null, audioOnly: boolean): void;
  /** The button's text when the check is not before a call ("Færdig" on the citizen's "Prøv kamera og mikrofon"). */
  actionLabel?: string;
}) {
  const { t } = useI18n();
  const [status, setStatus] = useState<Status>('asking');
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [audioOnly, setAudioOnly] = useState(false);
  const [level, setLevel] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const video = useRef<HTMLVideoElement>(null);
  const handedOver = useRef(false);

  useEffect(() => {
    let cancelled = false;
    let opened: MediaStream | null = null;
    setStatus('asking');
    navigator.mediaDevices
      .getUserMedia(citizenMediaConstraints(false))
      .then((s) => {
        opened = s;
        if (cancelled) return s.getTracks().forEach((tr) => tr.stop());
        setStream(s);
        setStatus('ready');
      })
      .catch((error: DOMException) => {
        if (!cancelled) setStatus(error.name === 'NotAllowedError' || error.name === 'SecurityError' ? 'denied' : 'no-device');
      });
    return () => {
      cancelled = true;
      if (!handedOver.current) opened?.getTracks().forEach((tr) => tr.stop());
    };
  }, [attempt]);

  // The preview is mounted again after "Kun lyd" is unticked: give it the stream again.
  useEffect(() => {
    if (video.current && stream) video.current.srcObject = stream;
  }, [stream, audioOnly]);

  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 256;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.frequencyBinCount);
    const timer = window.setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s - 128));
      setLevel(Math.min(100, Math.round((peak / 128) * 200)));
    }, 100);
    return () => {
      window.clearInterval(timer);
      void context.close();
    };
  }, [stream]);

  const join = () => {
    handedOver.current = true;
    if (audioOnly) stream?.getVideoTracks().forEach((tr) => tr.stop());
    onJoin(audioOnly && stream ? new MediaStream(stream.getAudioTracks()) : stream, audioOnly);
  };

  const joinButton = (
    <button type="button" className="primary big-button" onClick={join} disabled={status === 'asking'}>
      {actionLabel ?? t('call.join')}
    </button>
  );
  // "Deltag" straight after the picture (first in reading order after it), so it is on a phone's screen without
  // scrolling; the microphone meter and "Kun lyd" follow for whoever wants them.
  return (
    <section className="card narrow device-check" aria-labelledby="check-title">
      <h1 id="check-title">{t('call.check.title')}</h1>
      {status === 'asking' && <p role="status">{t('app.loading')}</p>}
      {(status === 'denied' || status === 'no-device') && (
        <div role="alert">
          <p className="error">{t(status === 'denied' ? 'call.check.denied' : 'call.check.noDevice')}</p>
          {status === 'denied' && <p>{t(deniedHelpKey(navigator.userAgent))}</p>}
          <p>{t('call.check.deniedAudioOnly')}</p>
          <button type="button" onClick={() => setAttempt((a) => a + 1)}>{t('call.check.retry')}</button>
        </div>
      )}
      {status === 'ready' && !audioOnly && <video ref={video} className="preview" autoPlay playsInline muted aria-label={t('call.check.preview')} />}
      {joinButton}
      {status === 'ready' && (
        <>
          <label className="meter-label">
            {t('call.check.mic')}
            <meter min={0} max={100} value={level} className="meter" aria-describedby="mic-hint" />
          </label>
          <p id="mic-hint" className="hint">{t('call.check.micHint')}</p>
          <label className="checkbox">
            <input type="checkbox" checked={audioOnly} onChange={(e) => setAudioOnly(e.target.checked)} />
            {t('call.check.audioOnly')}
          </label>
        </>
      )}
    </section>
  );
}
