import type { Tx } from '../db/database.js';
import type { Auth } from '../auth/session.js';

/**
 * Records that a staff member read or changed something, in the caller's transaction: if the work rolls back, so
 * does its audit row, and no read is ever returned without one. One row per subject so "who looked at this citizen"
 * is a simple query. `detail` carries identifiers and counts, never personal data.
 */
export async function audit(
  tx: Tx,
  actor: Auth,
  action: string,
  subjects: string | readonly string[] | null,
  detail: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  const ids = subjects === null ? [null] : typeof subjects === 'string' ? [subjects] : [...subjects];
  if (ids.length === 0) return;
  await tx`
    insert into audit_events (organisation_id, actor_id, actor_role, action, subject_id, detail)
    select ${actor.organisationId}, ${actor.userId}, ${actor.role}, ${action}, subject, ${tx.json(detail)}
    from unnest(${tx.array(ids as string[])}::uuid[]) as subject`;
}
