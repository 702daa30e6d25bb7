import type { Sql } from 'postgres';
import type { AuditEvent } from '../../protocol/audit.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';

/**
 * Who acted: a signed-in person (an Auth fits), or a part of the system acting for no person — the reminder
 * dispatcher, a reminder link whose holder is unknown — with `userId` null and `role` naming that part.
 */
export interface AuditActor {
  organisationId: string;
  userId: string | null;
  role: string;
}

/**
 * Records that a staff member read or changed something, in the caller's transaction: if the work rolls back, so
 * does its audit row, and no read is ever returned without one. One row per subject so "who looked at this citizen"
 * is a simple query. `detail` carries identifiers and counts, never personal data.
 */
export async function audit(
  tx: Tx,
  actor: AuditActor,
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

interface EventRow {
  id: number;
  at: Date;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  subject_id: string | null;
  detail: Record<string, unknown>;
}

export type AuditStore = ReturnType<typeof auditStore>;

/** Reading the audit trail back: the newest events first, all of them or those about one subject. */
export function auditStore(sql: Sql) {
  return {
    events(auth: Auth, filter: { subjectId: string | undefined; limit: number }): Promise<AuditEvent[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<EventRow[]>`
          select id::int, at, actor_id, actor_role, action, subject_id, detail from audit_events
          where ${filter.subjectId ?? null}::uuid is null or subject_id = ${filter.subjectId ?? null}
          order by id desc limit ${filter.limit}`;
        return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), actorId: r.actor_id, actorRole: r.actor_role, action: r.action, subjectId: r.subject_id, detail: r.detail }));
      });
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditStore;
  }
}
