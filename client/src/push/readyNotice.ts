import type { ReadyNotice } from '../../../protocol/calls';

/**
 * How the citizen was told that the worker opened a session (the reply of POST /api/calls), kept for the call screen
 * the worker goes straight into: it says so there ("Carl har fået besked på SMS"). In memory only: it names the
 * citizen, and it matters only for the minute the worker waits.
 */
const notices = new Map<string, { notice: ReadyNotice; name: string }>();

/** `name`: the citizen's display name; the line uses the first name, as people speak ("Carl har fået besked"). */
export function rememberReadyNotice(callId: string, notice: ReadyNotice, name: string): void {
  notices.set(callId, { notice, name: name.trim().split(/\s+/)[0] ?? name });
}

export function readyNoticeOf(callId: string): { notice: ReadyNotice; name: string } | undefined {
  return notices.get(callId);
}
