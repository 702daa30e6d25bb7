import { Type } from '@sinclair/typebox';
import { AuditEvent, AuditQuery } from '../../protocol/api.js';
import { inOrganisation } from '../db/database.js';
import type { App, FeatureDeps } from '../http/types.js';

export function auditRoutes(app: App, { sql }: FeatureDeps): void {
  app.get('/api/audit', {
    config: { roles: ['coordinator'] },
    schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: Type.Array(AuditEvent) } },
  }, async (request) => {
    const auth = request.auth!;
    const { subjectId, limit } = request.query;
    const rows = await inOrganisation(sql, auth.organisationId, (tx) => tx<{ id: number; at: Date; actor_id: string | null; actor_role: string | null; action: string; subject_id: string | null; detail: Record<string, unknown> }[]>`
      select id::int, at, actor_id, actor_role, action, subject_id, detail from audit_events
      where ${subjectId ?? null}::uuid is null or subject_id = ${subjectId ?? null}
      order by id desc limit ${Number(limit ?? 100)}`);
    return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), actorId: r.actor_id, actorRole: r.actor_role, action: r.action, subjectId: r.subject_id, detail: r.detail }));
  });
}
