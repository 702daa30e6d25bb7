import { useEffect, useRef, useState } from 'react';
import type { DeviceCheckResult } from '../../../protocol/volunteer-times';
import { api } from '../api';
import { DeviceCheck } from '../call/DeviceCheck';
import { Notice, type Outcome } from '../ui/Notice';
import { useVolunteerTimeTexts, type VolunteerTimeText } from './texts';

const RESULT_TEXT: Record<DeviceCheckResult, VolunteerTimeText> = { video: 'resultVideo', audio_only: 'resultAudio', none: 'resultNone' };

/** What the check found: a live camera, a microphone alone, or nothing (asked again for sound alone, to tell the two apart). */
async function resultOf(stream: MediaStream | null, audioOnly: boolean): Promise<DeviceCheckResult> {
  const video = stream?.getVideoTracks().some((track) => track.readyState === 'live') ?? false;
  const audio = stream?.getAudioTracks().some((track) => track.readyState === 'live') ?? false;
  stream?.getTracks().forEach((track) => track.stop());
  if (video && !audioOnly) return 'video';
  if (audio) return 'audio_only';
  try {
    const sound = await navigator.mediaDevices.getUserMedia({ audio: true });
    sound.getTracks().forEach((track) => track.stop());
    return 'audio_only';
  } catch {
    return 'none';
  }
}

/**
 * "Prøv kamera og mikrofon" on the citizen's "Mere", at any time, not only before a call: the same check as before a
 * call (call/DeviceCheck.tsx), with "Færdig" instead of "Deltag". What it found is kept, so their worker sees on Borgere
 * whether video works — and an IT helper can be asked to help when it does not.
 */
export function TryDevices() {
  const v = useVolunteerTimeTexts();
  const [trying, setTrying] = useState(false);
  const [result, setResult] = useState<DeviceCheckResult | null>(null);
  const [failure, setFailure] = useState<Outcome | null>(null);
  const block = useRef<HTMLElement>(null);
  // The check opens in the middle of "Mere": brought to the top of the screen, with its button below the picture.
  useEffect(() => {
    if (trying) block.current?.scrollIntoView({ block: 'start' });
  }, [trying]);

  const finish = async (stream: MediaStream | null, audioOnly: boolean) => {
    setTrying(false);
    const found = await resultOf(stream, audioOnly);
    setResult(found);
    try {
      await api('POST /api/my/device-checks', { body: { result: found } });
    } catch (failed) {
      setFailure({ failed });
    }
  };

  return (
    <section ref={block} className="more-block try-devices" aria-label={v('checkEntry')}>
      {trying ? (
        <DeviceCheck actionLabel={v('checkDone')} onJoin={(stream, audioOnly) => void finish(stream, audioOnly)} />
      ) : (
        <button type="button" onClick={() => { setResult(null); setFailure(null); setTrying(true); }}>{v('checkEntry')}</button>
      )}
      {result && <p role="status" className={`notice ${result === 'none' ? 'notice-error' : 'notice-ok'}`}>{v(RESULT_TEXT[result])}</p>}
      <Notice outcome={failure} />
    </section>
  );
}
