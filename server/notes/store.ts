/**
 * Notes and goals in the database: the citizen's goals, the session notes (drafts saved as the worker types, then
 * finalised), the timeline, the citizen's own final notes and the citizen's answers after a session.
 *
 * Who sees what is decided twice. Here: a citizen's goals, notes list and timeline are for staff who keep the
 * citizen's case (a worker holding them in a caseload, or a coordinator — the database function keeps_citizen_case);
 * anyone else gets "not found", so ids reveal nothing. And in the database (migration 016): restrictive row policies
 * let a note be seen by its author, the citizen's workers and coordinators, and the citizen only when final and
 * allowed. A single note is read through those policies alone: what they hide does not exist here.
 * Every staff read writes its audit row in the same transaction as the read.
 */
import type { Sql } from 'postgres';
import type {
  CitizenNote, FeedbackBody, Goal, GoalStatus, MyNotes, Note, NoteOutcome, NoteStatus, NoteWay, OpenNoteBody, Timeline, TimelineItem,
  TimelineKind, UpdateGoalBody, UpdateNoteBody,
} from '../../protocol/notes.js';
import { audit } from '../audit/store.js';
import type { Auth } from '../auth/auth.js';
import { inOrganisation, type Tx } from '../db/database.js';
import { badRequest, conflict, forbidden, notFound } from '../http/errors.js';

/** Timeline entries per page. */
export const TIMELINE_PAGE = 30;

interface GoalRow {
  id: string;
  title: string;
  description: string | null;
  status: GoalStatus;
  created_at: Date;
  updated_at: Date;
}

const toGoal = (r: GoalRow): Goal => ({
  id: r.id, title: r.title, description: r.description, status: r.status, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

interface NoteRow {
  id: string;
  citizen_id: string;
  citizen_name: string;
  author_id: string;
  author_name: string;
  way: NoteWay;
  occurred_at: Date;
  duration_minutes: number | null;
  outcome: NoteOutcome | null;
  topics: string | null;
  agreements: string | null;
  next_step: string | null;
  concerns: string | null;
  free_text: string | null;
  status: NoteStatus;
  call_session_id: string | null;
  appointment_id: string | null;
  contact_request_id: string | null;
  updated_at: Date;
  finalised_at: Date | null;
  goal_ids: string[];
}

/** A note as the export shows it: the note, its goals' titles and the organisation's zone. */
export interface ExportedNote {
  note: Note;
  goalTitles: string[];
  timeZone: string;
}

/** "N-1A2B3C4D": enough to find the note again in Nærvær, nothing about the citizen. */
export const noteReference = (id: string) => `N-${id.slice(0, 8).toUpperCase()}`;

/** "Bo" of "Bo Bostøtte", as the citizen knows them. */
const firstName = (displayName: string) => displayName.trim().split(/\s+/)[0] ?? displayName;

const NOTE_SELECT = (tx: Tx) => tx`
  select n.id, n.citizen_id, c.display_name as citizen_name, n.author_id, a.display_name as author_name, n.way, n.occurred_at,
         n.duration_minutes, n.outcome, n.topics, n.agreements, n.next_step, n.concerns, n.free_text, n.status,
         n.call_session_id, n.appointment_id, n.contact_request_id, n.updated_at, n.finalised_at,
         coalesce((select array_agg(g.goal_id::text order by g.goal_id) from session_note_goals g where g.note_id = n.id), '{}') as goal_ids
  from session_notes n
  join users c on c.id = n.citizen_id
  join users a on a.id = n.author_id`;

async function noteRows(tx: Tx, where: { id?: string; citizenId?: string }): Promise<NoteRow[]> {
  return tx<NoteRow[]>`
    ${NOTE_SELECT(tx)}
    where (${where.id ?? null}::uuid is null or n.id = ${where.id ?? null})
      and (${where.citizenId ?? null}::uuid is null or n.citizen_id = ${where.citizenId ?? null})
    order by n.occurred_at desc, n.id`;
}

/** The citizen's goals the reader may see (the policy hides them from anyone who does not keep the case). */
async function goalsFor(tx: Tx, citizenId: string, alsoIds: readonly string[]): Promise<Goal[]> {
  const rows = await tx<GoalRow[]>`
    select id, title, description, status, created_at, updated_at from citizen_goals
    where citizen_id = ${citizenId} and (status = 'active' or id = any(${tx.array(alsoIds as string[])}::uuid[]))
    order by created_at, id`;
  return rows.map(toGoal);
}

async function toNote(tx: Tx, auth: Auth, r: NoteRow): Promise<Note> {
  return {
    id: r.id, reference: noteReference(r.id), citizenId: r.citizen_id, citizenName: r.citizen_name, authorName: r.author_name,
    mine: r.author_id === auth.userId, way: r.way, occurredAt: r.occurred_at.toISOString(), durationMinutes: r.duration_minutes,
    outcome: r.outcome, topics: r.topics, agreements: r.agreements, nextStep: r.next_step, concerns: r.concerns, freeText: r.free_text,
    status: r.status, goalIds: r.goal_ids, goals: await goalsFor(tx, r.citizen_id, r.goal_ids), callId: r.call_session_id,
    appointmentId: r.appointment_id, requestId: r.contact_request_id, updatedAt: r.updated_at.toISOString(),
    finalisedAt: r.finalised_at?.toISOString() ?? null,
  };
}

/** The note, if the row policies let the caller see it; "not found" otherwise. */
async function visibleNote(tx: Tx, noteId: string): Promise<NoteRow> {
  const [row] = await noteRows(tx, { id: noteId });
  if (!row) throw notFound('No such note');
  return row;
}

/** The citizen's name, for staff who keep their case; "not found" for anyone else and for ids of no citizen. */
async function keptCitizen(tx: Tx, citizenId: string): Promise<string> {
  const [row] = await tx<{ display_name: string }[]>`
    select display_name from users where id = ${citizenId} and role = 'citizen' and keeps_citizen_case(id)`;
  if (!row) throw notFound('No such citizen');
  return row.display_name;
}

const keeps = async (tx: Tx, citizenId: string) =>
  (await tx<{ keeps: boolean }[]>`select keeps_citizen_case(${citizenId}) as keeps`)[0]!.keeps;

const minutesBetween = (from: Date | null, to: Date | null) =>
  from && to ? Math.max(0, Math.min(600, Math.round((to.getTime() - from.getTime()) / 60_000))) : null;

interface NewNote {
  citizenId: string;
  way: NoteWay;
  occurredAt: Date;
  durationMinutes: number | null;
  callId: string | null;
  appointmentId: string | null;
  requestId: string | null;
}

/**
 * What a new note for the session is pre-filled with, read from the session itself — if the caller may write about
 * it: the session's own worker (who took the request), or staff who keep the citizen's case.
 */
async function sessionToNoteOn(tx: Tx, auth: Auth, body: OpenNoteBody): Promise<NewNote> {
  const links = [body.callId, body.appointmentId, body.requestId, body.citizenId].filter((x) => x !== undefined);
  if (links.length !== 1) throw badRequest('Name exactly one of callId, appointmentId, requestId or citizenId');
  if (body.way !== undefined && body.citizenId === undefined) throw badRequest('The way of meeting is given only with citizenId');
  const none = { callId: null, appointmentId: null, requestId: null };
  if (body.callId) {
    const [call] = await tx<{ worker_id: string; citizen_id: string; kind: string; created_at: Date; started_at: Date | null; ended_at: Date | null; appointment_id: string | null }[]>`
      select worker_id, citizen_id, kind, created_at, started_at, ended_at, appointment_id from call_sessions where id = ${body.callId}`;
    if (!call || !(call.worker_id === auth.userId || (await keeps(tx, call.citizen_id)))) throw notFound('No such session');
    return {
      ...none, citizenId: call.citizen_id, way: call.kind === 'citizen_initiated' ? 'citizen_initiated' : 'video',
      occurredAt: call.started_at ?? call.created_at, durationMinutes: minutesBetween(call.started_at, call.ended_at),
      callId: body.callId, appointmentId: call.appointment_id,
    };
  }
  if (body.appointmentId) {
    const [appointment] = await tx<{ worker_id: string; citizen_id: string; modality: NoteWay; starts_at: Date; ends_at: Date }[]>`
      select worker_id, citizen_id, modality, starts_at, ends_at from appointments where id = ${body.appointmentId}`;
    if (!appointment || !(appointment.worker_id === auth.userId || (await keeps(tx, appointment.citizen_id)))) throw notFound('No such appointment');
    return {
      ...none, citizenId: appointment.citizen_id, way: appointment.modality, occurredAt: appointment.starts_at,
      durationMinutes: minutesBetween(appointment.starts_at, appointment.ends_at), appointmentId: body.appointmentId,
    };
  }
  if (body.requestId) {
    // The request's own policy (migration 013) already hides it from staff who neither took it nor keep the citizen.
    const [request] = await tx<{ citizen_id: string; claimed_by: string | null; claimed_at: Date | null; ended_at: Date | null; created_at: Date }[]>`
      select citizen_id, claimed_by, claimed_at, ended_at, created_at from contact_requests where id = ${body.requestId}`;
    if (!request || !(request.claimed_by === auth.userId || (await keeps(tx, request.citizen_id)))) throw notFound('No such request');
    return {
      ...none, citizenId: request.citizen_id, way: 'citizen_initiated', occurredAt: request.claimed_at ?? request.created_at,
      durationMinutes: minutesBetween(request.claimed_at, request.ended_at), requestId: body.requestId,
    };
  }
  await keptCitizen(tx, body.citizenId!);
  if (!body.way) throw badRequest('Say how you met (way)');
  return { ...none, citizenId: body.citizenId!, way: body.way, occurredAt: new Date(), durationMinutes: null };
}

/** Only a note's author changes it, and only while it is a draft. */
async function ownDraft(tx: Tx, auth: Auth, noteId: string): Promise<NoteRow> {
  const row = await visibleNote(tx, noteId);
  if (row.author_id !== auth.userId) throw forbidden('Only the note’s author changes it');
  if (row.status !== 'draft') throw conflict('The note is final and is not changed any more');
  await tx`select 1 from session_notes where id = ${noteId} for update`;
  return row;
}

const COLUMN: Record<Exclude<keyof UpdateNoteBody, 'goalIds'>, string> = {
  way: 'way', durationMinutes: 'duration_minutes', outcome: 'outcome', topics: 'topics', agreements: 'agreements',
  nextStep: 'next_step', concerns: 'concerns', freeText: 'free_text',
};

/** An empty field is no field: a cleared box is stored as null, so the note and its export show nothing for it. */
const orNull = (value: string | null | undefined) => (value === undefined ? undefined : value === null || value.trim() === '' ? null : value);

export type NotesStore = ReturnType<typeof notesStore>;

export function notesStore(sql: Sql) {
  const inOrg = <T>(auth: Auth, fn: (tx: Tx) => Promise<T>) => inOrganisation(sql, auth.organisationId, fn);

  return {
    // ——— Goals ———

    goals: (auth: Auth, citizenId: string): Promise<Goal[]> =>
      inOrg(auth, async (tx) => {
        await keptCitizen(tx, citizenId);
        const rows = await tx<GoalRow[]>`
          select id, title, description, status, created_at, updated_at from citizen_goals where citizen_id = ${citizenId} order by created_at, id`;
        await audit(tx, auth, 'goal.read', citizenId, { count: rows.length });
        return rows.map(toGoal);
      }),

    createGoal: (auth: Auth, citizenId: string, body: { title: string; description?: string | null | undefined }): Promise<Goal> =>
      inOrg(auth, async (tx) => {
        await keptCitizen(tx, citizenId);
        const [row] = await tx<GoalRow[]>`
          insert into citizen_goals (organisation_id, citizen_id, title, description, created_by)
          values (${auth.organisationId}, ${citizenId}, ${body.title.trim()}, ${orNull(body.description) ?? null}, ${auth.userId})
          returning id, title, description, status, created_at, updated_at`;
        await audit(tx, auth, 'goal.create', citizenId, { goalId: row!.id });
        return toGoal(row!);
      }),

    updateGoal: (auth: Auth, citizenId: string, goalId: string, body: UpdateGoalBody): Promise<Goal> =>
      inOrg(auth, async (tx) => {
        await keptCitizen(tx, citizenId);
        const description = orNull(body.description);
        const [row] = await tx<GoalRow[]>`
          update citizen_goals set
            title = coalesce(${body.title?.trim() ?? null}, title),
            description = case when ${body.description !== undefined} then ${description ?? null} else description end,
            status = coalesce(${body.status ?? null}, status),
            updated_at = now()
          where id = ${goalId} and citizen_id = ${citizenId}
          returning id, title, description, status, created_at, updated_at`;
        if (!row) throw notFound('No such goal');
        await audit(tx, auth, 'goal.update', citizenId, { goalId, ...(body.status ? { status: body.status } : {}) });
        return toGoal(row);
      }),

    // ——— Notes ———

    /** The author's note for this session (their draft, else the one they finished), or a new draft pre-filled from the session. */
    open: (auth: Auth, body: OpenNoteBody): Promise<Note> =>
      inOrg(auth, async (tx) => {
        const draft = await sessionToNoteOn(tx, auth, body);
        // Their draft for this session; else the note they already finished for it (the step after a call, reloaded,
        // shows what was saved rather than a blank second note). A note by hand (citizenId) is always a new one.
        const [existing] = await tx<{ id: string }[]>`
          select id from session_notes
          where author_id = ${auth.userId}
            and (call_session_id = ${draft.callId} or appointment_id = ${draft.appointmentId} or contact_request_id = ${draft.requestId})
          order by status = 'draft' desc, finalised_at desc limit 1`;
        let id = existing?.id;
        if (!id) {
          const [made] = await tx<{ id: string }[]>`
            insert into session_notes (organisation_id, citizen_id, author_id, way, occurred_at, duration_minutes, call_session_id, appointment_id, contact_request_id)
            values (${auth.organisationId}, ${draft.citizenId}, ${auth.userId}, ${draft.way}, ${draft.occurredAt}, ${draft.durationMinutes},
                    ${draft.callId}, ${draft.appointmentId}, ${draft.requestId})
            returning id`;
          id = made!.id;
        }
        await audit(tx, auth, 'note.open', draft.citizenId, { noteId: id, created: !existing });
        return toNote(tx, auth, await visibleNote(tx, id));
      }),

    get: (auth: Auth, noteId: string): Promise<Note> =>
      inOrg(auth, async (tx) => {
        const row = await visibleNote(tx, noteId);
        await audit(tx, auth, 'note.read', row.citizen_id, { noteId });
        return toNote(tx, auth, row);
      }),

    /** Saves what the author typed into their draft (each PATCH as the worker types, debounced by the form). */
    update: (auth: Auth, noteId: string, body: UpdateNoteBody): Promise<Note> =>
      inOrg(auth, async (tx) => {
        const row = await ownDraft(tx, auth, noteId);
        const changes: Record<string, string | number | null> = {};
        for (const [key, column] of Object.entries(COLUMN) as [keyof typeof COLUMN, string][]) {
          const value = body[key];
          if (value === undefined) continue;
          changes[column] = typeof value === 'string' || value === null ? orNull(value) ?? null : value;
        }
        if (Object.keys(changes).length > 0) {
          await tx`update session_notes set ${tx(changes)}, updated_at = now() where id = ${noteId}`;
        } else {
          await tx`update session_notes set updated_at = now() where id = ${noteId}`;
        }
        if (body.goalIds) {
          // Only the citizen's own goals, and only those the author may see (the goals' policy decides).
          const [known] = await tx<{ n: number }[]>`
            select count(*)::int as n from citizen_goals where citizen_id = ${row.citizen_id} and id = any(${tx.array(body.goalIds)}::uuid[])`;
          if (known!.n !== body.goalIds.length) throw badRequest('A goal is not one of this citizen’s');
          await tx`delete from session_note_goals where note_id = ${noteId}`;
          await tx`
            insert into session_note_goals (organisation_id, note_id, goal_id)
            select ${auth.organisationId}, ${noteId}, goal from unnest(${tx.array(body.goalIds)}::uuid[]) as goal`;
        }
        await audit(tx, auth, 'note.update', row.citizen_id, { noteId });
        return toNote(tx, auth, await visibleNote(tx, noteId));
      }),

    /**
     * Makes the draft final (it needs its outcome). Returns the session and appointment it was about, whose outcome
     * the route then records through their own features.
     */
    finalise: (auth: Auth, noteId: string): Promise<{ outcome: NoteOutcome; callId: string | null; appointmentId: string | null }> =>
      inOrg(auth, async (tx) => {
        const row = await ownDraft(tx, auth, noteId);
        if (!row.outcome) throw badRequest('Say how it went (outcome) before the note is saved');
        await tx`update session_notes set status = 'final', finalised_at = now(), updated_at = now() where id = ${noteId}`;
        await audit(tx, auth, 'note.finalise', row.citizen_id, { noteId, outcome: row.outcome });
        return { outcome: row.outcome, callId: row.call_session_id, appointmentId: row.appointment_id };
      }),

    /** A draft its author gives up ("Kassér"); a final note stays. */
    discard: (auth: Auth, noteId: string): Promise<void> =>
      inOrg(auth, async (tx) => {
        const row = await ownDraft(tx, auth, noteId);
        await tx`delete from session_notes where id = ${noteId}`;
        await audit(tx, auth, 'note.discard', row.citizen_id, { noteId });
      }),

    /** The citizen's notes, newest first: the final ones and the reader's own drafts. */
    ofCitizen: (auth: Auth, citizenId: string): Promise<Note[]> =>
      inOrg(auth, async (tx) => {
        await keptCitizen(tx, citizenId);
        const rows = (await noteRows(tx, { citizenId })).filter((r) => r.status === 'final' || r.author_id === auth.userId);
        await audit(tx, auth, 'note.list', citizenId, { count: rows.length });
        const notes: Note[] = [];
        for (const row of rows) notes.push(await toNote(tx, auth, row));
        return notes;
      }),

    /** For the case system: the note, its goals and the zone its times are shown in. Audited as an export. */
    forExport: (auth: Auth, noteId: string, format: 'pdf' | 'txt'): Promise<ExportedNote> =>
      inOrg(auth, async (tx) => {
        const row = await visibleNote(tx, noteId);
        await audit(tx, auth, 'note.export', row.citizen_id, { noteId, format });
        const note = await toNote(tx, auth, row);
        const [org] = await tx<{ time_zone: string }[]>`select time_zone from organisations`;
        return { note, goalTitles: note.goals.filter((g) => note.goalIds.includes(g.id)).map((g) => g.title), timeZone: org!.time_zone };
      }),

    // ——— The timeline ———

    timeline: (auth: Auth, citizenId: string, query: { kinds: readonly TimelineKind[]; before: Date | null }): Promise<Timeline> =>
      inOrg(auth, async (tx) => {
        const citizenName = await keptCitizen(tx, citizenId);
        const before = query.before ?? new Date('9999-01-01T00:00:00Z');
        const n = TIMELINE_PAGE + 1;
        const want = (kind: TimelineKind) => query.kinds.includes(kind);
        const items: TimelineItem[] = [];

        if (want('session')) {
          const rows = await tx<{ id: string; at: Date; kind: 'planned' | 'ad_hoc' | 'citizen_initiated'; started_at: Date | null; ended_at: Date | null; outcome: NoteOutcome | null; segments: number; audio_only: boolean; rtt: number | null; loss: number | null }[]>`
            select s.id, coalesce(s.started_at, s.created_at) as at, s.kind, s.started_at, s.ended_at, s.outcome,
                   (select count(*)::int from call_segments g join call_participants p on p.id = g.participant_id
                    where p.session_id = s.id and p.role = 'citizen') as segments,
                   exists (select 1 from call_participants p where p.session_id = s.id and p.audio_only_used) as audio_only,
                   (select avg(p.rtt_ms_avg) from call_participants p where p.session_id = s.id and p.quality_samples > 0) as rtt,
                   (select avg(p.packet_loss_pct_avg) from call_participants p where p.session_id = s.id and p.quality_samples > 0) as loss
            from call_sessions s
            where s.citizen_id = ${citizenId} and s.status = 'ended' and coalesce(s.started_at, s.created_at) < ${before}
            order by at desc limit ${n}`;
          for (const r of rows) {
            items.push({
              kind: 'session', id: r.id, at: r.at.toISOString(), sessionKind: r.kind, minutes: minutesBetween(r.started_at, r.ended_at),
              reconnects: Math.max(0, r.segments - 1), audioOnly: r.audio_only,
              rttMs: r.rtt === null ? null : Math.round(Number(r.rtt)), lossPct: r.loss === null ? null : Math.round(Number(r.loss) * 10) / 10, outcome: r.outcome,
            });
          }
        }
        if (want('note')) {
          const rows = await tx<{ id: string; at: Date; way: NoteWay; status: NoteStatus; outcome: NoteOutcome | null; author_name: string; summary: string | null; goal_titles: string[] }[]>`
            select n.id, n.occurred_at as at, n.way, n.status, n.outcome, a.display_name as author_name,
                   left(coalesce(n.topics, n.free_text, n.agreements, n.next_step), 160) as summary,
                   coalesce((select array_agg(g.title order by g.created_at) from session_note_goals x join citizen_goals g on g.id = x.goal_id where x.note_id = n.id), '{}') as goal_titles
            from session_notes n join users a on a.id = n.author_id
            where n.citizen_id = ${citizenId} and (n.status = 'final' or n.author_id = ${auth.userId}) and n.occurred_at < ${before}
            order by n.occurred_at desc limit ${n}`;
          for (const r of rows) {
            items.push({ kind: 'note', id: r.id, at: r.at.toISOString(), way: r.way, status: r.status, outcome: r.outcome, authorName: r.author_name, summary: r.summary, goalTitles: r.goal_titles });
          }
        }
        if (want('no_show')) {
          const rows = await tx<{ id: string; at: Date; modality: 'video' | 'phone' | 'home_visit' | 'chat' }[]>`
            select id, starts_at as at, modality from appointments
            where citizen_id = ${citizenId} and status = 'no_show' and starts_at < ${before} order by starts_at desc limit ${n}`;
          for (const r of rows) items.push({ kind: 'no_show', id: r.id, at: r.at.toISOString(), modality: r.modality });
        }
        if (want('request')) {
          const rows = await tx<{ id: string; at: Date; way: 'video' | 'phone' | 'chat'; status: 'waiting' | 'claimed' | 'closed' | 'cancelled'; claimed_at: Date | null }[]>`
            select id, created_at as at, way, status, claimed_at from contact_requests
            where citizen_id = ${citizenId} and created_at < ${before} order by created_at desc limit ${n}`;
          for (const r of rows) {
            items.push({ kind: 'request', id: r.id, at: r.at.toISOString(), way: r.way, status: r.status, answeredAfterMinutes: r.claimed_at ? minutesBetween(r.at, r.claimed_at) : null });
          }
        }
        if (want('plan_change')) {
          const rows = await tx<{ id: string; at: Date; change: 'cancel_request' | 'modality_request' | 'cancelled'; modality: string | null; decision: 'open' | 'accepted' | 'declined' | null }[]>`
            select * from (
              select c.id, c.created_at as at, case c.kind when 'cancel' then 'cancel_request' else 'modality_request' end as change,
                     c.requested_modality as modality, c.status as decision
              from change_requests c join appointments a on a.id = c.appointment_id
              where a.citizen_id = ${citizenId} and c.created_at < ${before}
              union all
              select a.id, a.updated_at as at, 'cancelled', a.modality, null
              from appointments a where a.citizen_id = ${citizenId} and a.status = 'cancelled' and a.updated_at < ${before}
            ) x order by at desc limit ${n}`;
          for (const r of rows) items.push({ kind: 'plan_change', id: r.id, at: r.at.toISOString(), change: r.change, modality: r.modality, decision: r.decision });
        }
        if (want('feedback')) {
          // Only answers the citizen chose to share with their worker: the policy (migration 016) hides the others.
          const rows = await tx<{ id: string; at: Date; mood: 'good' | 'ok' | 'bad'; comment: string | null }[]>`
            select id, created_at as at, mood, comment from citizen_feedback
            where citizen_id = ${citizenId} and created_at < ${before} order by created_at desc limit ${n}`;
          for (const r of rows) items.push({ kind: 'feedback', id: r.id, at: r.at.toISOString(), mood: r.mood, comment: r.comment });
        }

        items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.kind.localeCompare(b.kind)));
        const page = items.slice(0, TIMELINE_PAGE);
        await audit(tx, auth, 'timeline.read', citizenId, { kinds: query.kinds.join(','), count: page.length });
        return { citizenName, items: page, nextBefore: items.length > TIMELINE_PAGE ? page.at(-1)!.at : null };
      }),

    // ——— The organisation's choice, and the citizen's side ———

    settings: (auth: Auth): Promise<{ citizensReadNotes: boolean }> =>
      inOrg(auth, async (tx) => {
        const [row] = await tx<{ citizens_read_notes: boolean }[]>`select citizens_read_notes from organisations`;
        return { citizensReadNotes: row!.citizens_read_notes };
      }),

    setSettings: (auth: Auth, body: { citizensReadNotes: boolean }): Promise<{ citizensReadNotes: boolean }> =>
      inOrg(auth, async (tx) => {
        await tx`update organisations set citizens_read_notes = ${body.citizensReadNotes} where id = ${auth.organisationId}`;
        await audit(tx, auth, 'organisation.notes_settings', null, { citizensReadNotes: body.citizensReadNotes });
        return body;
      }),

    /** "Det skrev vi": the citizen's own final notes (theirs to read: not audited), when the organisation allows it. */
    mine: (auth: Auth): Promise<MyNotes> =>
      inOrg(auth, async (tx) => {
        const [org] = await tx<{ citizens_read_notes: boolean }[]>`select citizens_read_notes from organisations`;
        if (!org!.citizens_read_notes) return { allowed: false, notes: [] };
        const rows = await tx<{ id: string; occurred_at: Date; author_name: string; way: NoteWay; topics: string | null; agreements: string | null; next_step: string | null; concerns: string | null; free_text: string | null }[]>`
          select n.id, n.occurred_at, a.display_name as author_name, n.way, n.topics, n.agreements, n.next_step, n.concerns, n.free_text
          from session_notes n join users a on a.id = n.author_id
          where n.citizen_id = ${auth.userId} and n.status = 'final'
          order by n.occurred_at desc limit 100`;
        const notes: CitizenNote[] = rows.map((r) => ({
          id: r.id, occurredAt: r.occurred_at.toISOString(), authorFirstName: firstName(r.author_name), way: r.way,
          topics: r.topics, agreements: r.agreements, nextStep: r.next_step, concerns: r.concerns, freeText: r.free_text,
        }));
        return { allowed: true, notes };
      }),

    /** The citizen's answer after a session: once per session; shared with their worker only when they tick it. */
    feedback: (auth: Auth, body: FeedbackBody): Promise<void> =>
      inOrg(auth, async (tx) => {
        let appointmentId: string | null = null;
        if (body.callId) {
          const [call] = await tx<{ appointment_id: string | null }[]>`
            select appointment_id from call_sessions where id = ${body.callId} and citizen_id = ${auth.userId}`;
          if (!call) throw notFound('No such session');
          appointmentId = call.appointment_id;
        }
        await tx`
          insert into citizen_feedback (organisation_id, citizen_id, call_session_id, appointment_id, mood, comment, shared_with_worker)
          values (${auth.organisationId}, ${auth.userId}, ${body.callId ?? null}, ${appointmentId}, ${body.mood}, ${body.comment?.trim() ?? null},
                  ${body.sharedWithWorker ?? false})`;
      }),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    notes: NotesStore;
  }
}
