import type { Auth } from '../auth/session.js';
import type { Tx } from '../db/database.js';
import { notFound } from '../http/errors.js';

/**
 * A coordinator may act on any citizen of the organisation (RLS already limits it to that); a worker only on the
 * citizens in their own caseload. Anything else is "not found", so ids reveal nothing about who exists.
 */
export async function assertCitizenAccess(tx: Tx, auth: Auth, citizenId: string): Promise<void> {
  const rows =
    auth.role === 'coordinator'
      ? await tx`select 1 from users where id = ${citizenId} and role = 'citizen'`
      : auth.role === 'worker'
        ? await tx`select 1 from caseloads where worker_id = ${auth.userId} and citizen_id = ${citizenId}`
        : [];
  if (rows.length === 0) throw notFound('No such citizen');
}
