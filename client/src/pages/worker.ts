import { useEffect, useState } from 'react';
import type { Me } from '../../../protocol/auth';
import type { CaseloadEntry } from '../../../protocol/people';
import { api, ApiError } from '../api';
import { loadCallScreen } from '../call/LazyCallScreen';
import { navigate } from '../router';
import { rememberReadyNotice } from '../push/readyNotice';

/** What the staff screens share: a worker's caseload, and going into a video session. */

/** A request that failed, kept as it is so its text is written (errorText) in the language shown at the time. */
export interface Failure {
  cause: unknown;
}

/** The worker's citizens (null while they load); empty for the other staff roles, who have no caseload. */
export function useCaseload(me: Me): { caseload: CaseloadEntry[] | null; error: Failure | null } {
  const [caseload, setCaseload] = useState<CaseloadEntry[] | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  useEffect(() => {
    if (me.user.role !== 'worker') return setCaseload([]);
    api('GET /api/workers/:workerId/caseload', { params: { workerId: me.user.id } }).then(setCaseload, (e: unknown) => setError({ cause: e }));
  }, [me.user.id, me.user.role]);
  return { caseload, error };
}

/**
 * Into an open session (its call screen), or a new session with a citizen started first. `start` tells `onError`,
 * and resolves to, what went wrong (null when the call screen opened), so the screen can say it beside the button.
 */
export function useVideoSessions(onError: (failure: Failure | null) => void = () => undefined) {
  const enter = (callId: string) => {
    void loadCallScreen(); // downloads while the camera opens
    if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
    navigate({ name: 'call', callId, step: 'call', via: 'sign-in' });
  };
  const start = async (citizenId: string, appointmentId?: string): Promise<Failure | null> => {
    onError(null);
    try {
      const call = await api('POST /api/calls', { body: appointmentId ? { citizenId, appointmentId } : { citizenId } });
      rememberReadyNotice(call.id, call.notice, call.otherName); // "Carl har fået besked på SMS", on the call screen
      enter(call.id);
      return null;
    } catch (e) {
      // The citizen already has an open session (this worker's, left a moment ago): go back into it rather than
      // showing an error — that is what pressing "Start video" means.
      if (e instanceof ApiError && e.status === 409) {
        const open = (await api('GET /api/calls/open').catch(() => [])).find((c) => c.citizenId === citizenId);
        if (open) {
          enter(open.id);
          return null;
        }
      }
      const failure = { cause: e };
      onError(failure);
      return failure;
    }
  };
  return { enter, start };
}
