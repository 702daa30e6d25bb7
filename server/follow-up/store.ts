/**
 * Follow-ups after a no-show in the database (issue 11, migration 017). They are opened by the database itself when a
 * no-show is recorded (whichever route records it); here the worker reads them, plans actions and closes them, and
 * coordinators read the alerts of two no-shows in a row. Every read of them is audited; row policies keep them to the
 * citizen's caseload workers, their own worker and coordinators.
 */
import type { Sql } from 'postgres';
import type { Modality } from '../../protocol/common.js';
import type { AddFollowUpActionBody, CloseFollowUpBody, FollowUp, FollowUpActionKind, FollowUpAlert, FollowUpResult } from '../../protocol/follow-up.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { fromLocal, toLocal } from '../time.js';

interface Row {
  id: string;
  citizen_id: string;
  citizen_name: string;
  worker_id: string;
  appointment_id: string | null;
  modality: Modality | null;
  cause_at: Date;
  status: 'open' | 'closed';
  due_at: Date;
  result: FollowUpResult | null;
  result_note: string | null;
  closed_at: Date | null;
  time_zone: string;
  actions: { id: string; kind: FollowUpActionKind; due_at: string; done: boolean }[] | null;
}

function toFollowUp(r: Row, now: number): FollowUp {
  const actions = (r.actions ?? []).map((a) => {
    const dueAt = new Date(a.due_at);
    return { id: a.id, kind: a.kind, due: toLocal(dueAt, r.time_zone), dueAt: dueAt.toISOString(), done: a.done };
  });
  const overdue = r.status === 'open' && (r.due_at.getTime() < now || actions.some((a) => !a.done && Date.parse(a.dueAt) < now));
  return {
    id: r.id, citizenId: r.citizen_id, citizenName: r.citizen_name, workerId: r.worker_id,
    cause: r.appointment_id ? 'appointment' : 'call', modality: r.modality, missedAt: toLocal(r.cause_at, r.time_zone),
    status: r.status, due: toLocal(r.due_at, r.time_zone), dueAt: r.due_at.toISOString(), overdue, actions,
    result: r.result, resultNote: r.result_note, closedAt: r.closed_at ? r.closed_at.toISOString() : null,
  };
}

/** Follow-ups as staff see them; the row policies of migration 017 decide which the caller may see at all. */
function load(tx: Tx, where: { ids?: readonly string[]; status?: 'open' | 'closed'; workerId?: string }): Promise<Row[]> {
  return tx<Row[]>`
    select f.id, f.citizen_id, u.display_name as citizen_name, f.worker_id, f.appointment_id, a.modality, f.cause_at, f.status,
           f.due_at, f.result, f.result_note, f.closed_at, o.time_zone,
           (select json_agg(json_build_object('id', x.id, 'kind', x.kind, 'due_at', x.due_at, 'done', x.done_at is not null) order by x.due_at, x.created_at)
              from follow_up_actions x where x.follow_up_id = f.id) as actions
    from follow_ups f
    join users u on u.id = f.citizen_id
    join organisations o on o.id = f.organisation_id
    left join appointments a on a.id = f.appointment_id
    where (${where.ids ? tx.array(where.ids as string[]) : null}::uuid[] is null or f.id = any(${where.ids ? tx.array(where.ids as string[]) : null}::uuid[]))
      and (${where.status ?? null}::text is null or f.status = ${where.status ?? null})
      and (${where.workerId ?? null}::uuid is null or f.worker_id = ${where.workerId ?? null})
    order by f.due_at, f.created_at`;
}

/** One follow-up the caller may act on, locked; 404 when it is not theirs to see. */
async function openOne(tx: Tx, id: string): Promise<{ id: string; citizen_id: string; status: string; time_zone: string }> {
  const [row] = await tx<{ id: string; citizen_id: string; status: string; time_zone: string }[]>`
    select f.id, f.citizen_id, f.status, o.time_zone from follow_ups f join organisations o on o.id = f.organisation_id
    where f.id = ${id} for update of f`;
  if (!row) throw notFound('No such follow-up');
  return row;
}

async function one(tx: Tx, id: string): Promise<FollowUp> {
  return toFollowUp((await load(tx, { ids: [id] }))[0]!, Date.now());
}

export type FollowUpStore = ReturnType<typeof followUpStore>;

export function followUpStore(sql: Sql) {
  return {
    /** A worker's own follow-ups, a coordinator's everyone's: overdue first, then by due time. */
    list(auth: Auth, status: 'open' | 'closed'): Promise<FollowUp[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await load(tx, { status, ...(auth.role === 'worker' ? { workerId: auth.userId } : {}) });
        await audit(tx, auth, 'follow_up.read', [...new Set(rows.map((r) => r.citizen_id))], { count: rows.length });
        const now = Date.now();
        const list = rows.map((r) => toFollowUp(r, now));
        return [...list.filter((f) => f.overdue), ...list.filter((f) => !f.overdue)];
      });
    },

    /** Plans what the worker will do, with its due time in the organisation's local time. */
    addAction(auth: Auth, id: string, body: AddFollowUpActionBody): Promise<FollowUp> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const f = await openOne(tx, id);
        if (f.status !== 'open') throw conflict('The follow-up is closed');
        const dueAt = fromLocal(body.due, f.time_zone);
        if (!dueAt) throw badRequest(`${body.due.replace('T', ' ')} does not exist in ${f.time_zone} (the clocks skip that hour)`);
        await tx`
          insert into follow_up_actions (organisation_id, follow_up_id, kind, due_at, created_by)
          values (${auth.organisationId}, ${f.id}, ${body.kind}, ${dueAt}, ${auth.userId})`;
        await audit(tx, auth, 'follow_up.action', f.citizen_id, { followUpId: f.id, kind: body.kind });
        return one(tx, f.id);
      });
    },

    actionDone(auth: Auth, id: string, actionId: string): Promise<FollowUp> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const f = await openOne(tx, id);
        if (f.status !== 'open') throw conflict('The follow-up is closed');
        const done = await tx`update follow_up_actions set done_at = coalesce(done_at, now()) where id = ${actionId} and follow_up_id = ${f.id} returning id`;
        if (done.length === 0) throw notFound('No such action');
        await audit(tx, auth, 'follow_up.action_done', f.citizen_id, { followUpId: f.id });
        return one(tx, f.id);
      });
    },

    /** Closing records what happened: reached, not reached, or other, with a short note. */
    close(auth: Auth, id: string, body: CloseFollowUpBody): Promise<FollowUp> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const f = await openOne(tx, id);
        if (f.status !== 'open') throw conflict('The follow-up is already closed');
        await tx`
          update follow_ups set status = 'closed', closed_at = now(), closed_by = ${auth.userId}, result = ${body.result}, result_note = ${body.note ?? null}
          where id = ${f.id}`;
        await audit(tx, auth, 'follow_up.close', f.citizen_id, { followUpId: f.id, result: body.result });
        return one(tx, f.id);
      });
    },

    /** Unseen alerts of two no-shows in a row without contact (coordinators; the row policy keeps it so). */
    alerts(auth: Auth): Promise<FollowUpAlert[]> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const rows = await tx<{ id: string; follow_up_id: string; citizen_id: string; citizen_name: string; worker_name: string; created_at: Date }[]>`
          select l.id, l.follow_up_id, l.citizen_id, c.display_name as citizen_name, w.display_name as worker_name, l.created_at
          from follow_up_alerts l
          join users c on c.id = l.citizen_id
          join follow_ups f on f.id = l.follow_up_id
          join users w on w.id = f.worker_id
          where l.seen_at is null
          order by l.created_at`;
        await audit(tx, auth, 'follow_up.alerts', [...new Set(rows.map((r) => r.citizen_id))], { count: rows.length });
        return rows.map((r) => ({
          id: r.id, followUpId: r.follow_up_id, citizenId: r.citizen_id, citizenName: r.citizen_name, workerName: r.worker_name,
          createdAt: r.created_at.toISOString(),
        }));
      });
    },

    alertSeen(auth: Auth, alertId: string): Promise<void> {
      return inOrganisation(sql, auth.organisationId, async (tx) => {
        const [row] = await tx<{ citizen_id: string }[]>`
          update follow_up_alerts set seen_at = now(), seen_by = ${auth.userId} where id = ${alertId} and seen_at is null returning citizen_id`;
        if (!row) throw notFound('No such alert');
        await audit(tx, auth, 'follow_up.alert_seen', row.citizen_id, { alertId });
      });
    },

    /** The organisation's active coordinators: who hears of an alert. */
    coordinatorIds(organisationId: string): Promise<string[]> {
      return inOrganisation(sql, organisationId, async (tx) =>
        (await tx<{ id: string }[]>`select id from users where role = 'coordinator' and active`).map((r) => r.id));
    },

    /** Calls `onOpened` whenever the database opened a follow-up (delivered after its transaction committed). */
    async listen(onOpened: (opened: { organisationId: string; workerId: string; alert: boolean }) => void): Promise<() => Promise<void>> {
      const { unlisten } = await sql.listen('naervaer_follow_ups', (payload) => {
        const parsed = JSON.parse(payload) as { organisationId: string; workerId: string; alert: boolean };
        onOpened(parsed);
      });
      return unlisten;
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    followUps: FollowUpStore;
  }
}
