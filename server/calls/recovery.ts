import type { Sql } from 'postgres';

/**
 * Live call state (who is connected, the media room, the waiting room) lives in the memory of the process that ran
 * the call. When that process stops, those calls cannot go on: nobody can admit a waiting citizen and the worker's
 * "open sessions" list would show ghosts. So at start-up, before anyone connects, every session still open is ended
 * with the reason `server_restart`, and every connection segment still open is closed. Clients that were in such a
 * call rejoin and get "this session has ended" (410), and the worker starts a new one.
 *
 * Runs on the owner's connection: it is installation-wide maintenance, across organisations, before any request.
 * (One app instance per media host is the rule for now; sharing live calls between hosts is issue 14's lease work.)
 */
export async function endSessionsLeftOpen(admin: Sql): Promise<{ sessions: number }> {
  return admin.begin(async (tx) => {
    const ended = await tx<{ id: string }[]>`
      update call_sessions set status = 'ended', ended_at = now(), end_reason = 'server_restart'
      where status = 'open' returning id`;
    await tx`
      update call_segments set left_at = greatest(now(), joined_at), leave_reason = 'server_restart'
      where left_at is null`;
    return { sessions: ended.length };
  }) as Promise<{ sessions: number }>;
}
