import { lazy, type ComponentProps } from 'react';
import { Loading } from '../ui/Loading';

/**
 * The call engine (mediasoup-client, socket.io) is most of the client's weight. A citizen on a cheap phone with
 * prepaid data should not download it just to see their appointments, so it is fetched when a call is near:
 * callers start the download early (while the citizen checks camera and microphone) with loadCallScreen().
 */
export const loadCallScreen = () => import('./CallScreen');

const CallScreenChunk = lazy(() => loadCallScreen().then((m) => ({ default: m.CallScreen })));

export function CallScreen(props: ComponentProps<typeof CallScreenChunk>) {
  return <Loading><CallScreenChunk {...props} /></Loading>;
}
