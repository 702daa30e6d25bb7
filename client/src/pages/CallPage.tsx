import { useEffect, useState } from 'react';
import type { Role } from '../../../protocol/common';
import { citizenMediaConstraints, DeviceCheck } from '../call/DeviceCheck';
import { CallScreen, loadCallScreen } from '../call/LazyCallScreen';
import { askRoomTokenAhead, type TokenRoute } from '../call/roomTokens';
import type { CallEngine } from '../call/engine';
import { useI18n } from '../i18n/i18n';
import { goBack, joinedAudioOnly, navigate, type Screen } from '../router';

type CallRoute = Extract<Screen, { name: 'call' }>;

interface Media {
  callId: string;
  stream: MediaStream | null;
  audioOnly: boolean;
  /**
   * The call, already connecting: started the moment "Deltag" is tapped (the call screen's code is loaded by then), so
   * that the connection and the waiting room do not wait for the call screen to render on a slow phone.
   * undefined: not started yet, and may be; null: none will be (the call screen came first and made its own, or the
   * page was left). Closed when the page goes (the call screen closes it too, and closing twice is harmless).
   */
  engine?: CallEngine | null;
}

/**
 * The device check opened the camera and microphone; the call screen (the next history entry) takes them over.
 * A stream cannot live in a history entry, so it waits here for the one call it was opened for.
 */
let handedOver: Media | null = null;

/** Staff open the camera straight away: they use a known work device, the device check is for citizens. */
function staffStream(): Promise<MediaStream | null> {
  return navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } }).catch(() => null);
}

/** A citizen back in a call without the device check (a reload): what the check would have opened, as they chose it there. */
function citizenStream(audioOnly: boolean): Promise<MediaStream | null> {
  return navigator.mediaDevices.getUserMedia(citizenMediaConstraints(audioOnly)).catch(() => null);
}

/** Where this route's room tokens come from: the signed-in call's, or the reminder join link's or guest link's session. */
function tokenRouteOf(route: CallRoute): TokenRoute {
  return route.via === 'join-link' ? 'POST /api/join/token' : route.via === 'guest-link' ? 'POST /api/guest/token' : 'POST /api/calls/:callId/token';
}

/**
 * /call/<id> (or /join/call/<id> from a reminder's join link): an open video session. Citizens come through the
 * device check at …/check first; a reload, or going forward into the call again, opens the camera anew and rejoins.
 * "Tilbage" on the ended screen goes back to where the call was started from.
 */
export function CallPage({ route, role, back }: { route: CallRoute; role: Role; back: Screen }) {
  if (route.step === 'check') {
    return (
      <CheckBeforeCall route={route} />
    );
  }
  return <InCall route={route} role={role} back={back} />;
}

function CheckBeforeCall({ route }: { route: CallRoute }) {
  // The token the call screen opens its connection with, asked for while the citizen looks at the check.
  useEffect(() => askRoomTokenAhead(route.callId, tokenRouteOf(route)), [route]);
  return (
      <DeviceCheck onJoin={(stream, audioOnly) => {
          const media: Media = { callId: route.callId, stream, audioOnly };
          handedOver = media;
          void loadCallScreen().then(({ CallEngine }) => {
            if (media.engine !== undefined) return;
            media.engine = new CallEngine(route.callId, { audioOnly, localStream: stream, tokenRoute: tokenRouteOf(route) });
            media.engine.start();
          });
          // The check is passed: back from the call goes to where the citizen came from, not to the check again.
          navigate({ ...route, step: 'call' }, { replace: true, audioOnly });
        }} />
  );
}

function InCall({ route, role, back }: { route: CallRoute; role: Role; back: Screen }) {
  const { t } = useI18n();
  const { callId } = route;
  const [media, setMedia] = useState<Media | null>(() => (handedOver?.callId === callId ? handedOver : null));

  useEffect(() => {
    if (handedOver?.callId === callId) handedOver = null;
    if (media) return;
    void loadCallScreen(); // downloads while the camera opens
    askRoomTokenAhead(callId, tokenRouteOf(route));
    let stopped = false;
    const audioOnly = role === 'citizen' && joinedAudioOnly();
    void (role === 'citizen' ? citizenStream(audioOnly) : staffStream()).then((stream) => {
      if (stopped) stream?.getTracks().forEach((track) => track.stop());
      else setMedia({ callId, stream, audioOnly });
    });
    return () => {
      stopped = true;
    };
  }, [callId, role, media, route]);

  // Leaving: the engine started at "Deltag" must not stay connected, even if the call screen never took it (back, at
  // once), and none may be started after.
  useEffect(() => () => {
    if (!media) return;
    media.engine?.close();
    media.engine = null;
  }, [media]);

  if (!media) return <p role="status">{t('app.loading')}</p>;
  return (
    <CallScreen callId={callId} role={role} stream={media.stream} audioOnly={media.audioOnly} ahead={media}
      tokenRoute={tokenRouteOf(route)}
      onClose={() => goBack(back)} />
  );
}
