/**
 * Issue 11, notes and goals: the citizen's goals; the two-minute note after a session, saved as a draft as the worker
 * types and finalised with its outcome (which the appointment and the call log take too); who sees a note (the API
 * and, behind it, the row policies of migration 016); the audit of every staff read; the citizen's "Det skrev vi"; the
 * citizen's answer after a session; the timeline; the export to the case system; and retention.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inOrganisation } from '../server/db/database.js';
import { upsertUser } from '../server/people/store.js';
import { citizenCookie } from './support/calls.js';
import { count, PASSWORD } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h, org, cookies } = useHarness({ signIn: ['worker', 'coordinator', 'volunteer'] });
let citizen: string;
/** A worker of the organisation who does not hold Carl in a caseload. */
let stranger: { id: string; cookie: string };
/** Carl's video session that ended an hour ago, for the appointment booked at that time; Carl reconnected once. */
let callId: string;
let appointmentId: string;
let noteId: string;
let goalId: string;

const auditRows = (action: string) =>
  h.admin<{ actor_id: string; subject_id: string; detail: Record<string, unknown> }[]>`
    select actor_id, subject_id, detail from audit_events where action = ${action} order by id`;

/** What the application's login sees of a table, unfiltered, in a transaction that says who asks (as inOrganisation does for a route). */
async function seenAs(userId: string, role: string, table: string): Promise<Record<string, unknown>[]> {
  return inOrganisation(h.sql, org.id, async (tx) => {
    await tx`select set_config('app.user_id', ${userId}, true), set_config('app.user_role', ${role}, true)`;
    return tx.unsafe(`select * from ${table}`);
  });
}

beforeAll(async () => {
  citizen = await citizenCookie(h, org, cookies.worker);
  const email = `ole-${org.id.slice(0, 8)}@testkommune.dk`;
  const id = await upsertUser(h.admin, { organisationId: org.id, role: 'worker', displayName: 'Ole Anden', email, password: PASSWORD });
  stranger = { id, cookie: await h.login(email) };
  // Booking refuses the past, so the appointment and its session are written as they would stand an hour later.
  const [appointment] = await h.admin<{ id: string }[]>`
    insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by)
    values (${org.id}, ${org.workerId}, ${org.citizenId}, now() - interval '80 minutes', now() - interval '60 minutes', 'video', ${org.workerId})
    returning id`;
  appointmentId = appointment!.id;
  const [call] = await h.admin<{ id: string }[]>`
    insert into call_sessions (organisation_id, worker_id, citizen_id, kind, status, appointment_id, created_at, started_at, ended_at, end_reason, ended_by)
    values (${org.id}, ${org.workerId}, ${org.citizenId}, 'planned', 'ended', ${appointmentId}, now() - interval '80 minutes',
            now() - interval '78 minutes', now() - interval '60 minutes', 'ended_by_staff', ${org.workerId})
    returning id`;
  callId = call!.id;
  const [participant] = await h.admin<{ id: string }[]>`
    insert into call_participants (organisation_id, session_id, user_id, role, admitted_at, audio_only_used, quality_samples, rtt_ms_avg, packet_loss_pct_avg)
    values (${org.id}, ${callId}, ${org.citizenId}, 'citizen', now() - interval '78 minutes', true, 10, 84.4, 1.25) returning id`;
  await h.admin`
    insert into call_segments (organisation_id, participant_id, joined_at, left_at, leave_reason)
    values (${org.id}, ${participant!.id}, now() - interval '78 minutes', now() - interval '70 minutes', 'disconnected'),
           (${org.id}, ${participant!.id}, now() - interval '70 minutes', now() - interval '60 minutes', 'session_ended')`;
});

describe('goals', () => {
  it('the citizen’s worker adds, lists and changes goals; bad input changes nothing', async () => {
    const created = await h.request('POST', `/api/citizens/${org.citizenId}/goals`, {
      cookie: cookies.worker, body: { title: 'Handle ind selv', description: 'Én gang om ugen i Netto, først sammen med Bo.' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ title: 'Handle ind selv', status: 'active', description: 'Én gang om ugen i Netto, først sammen med Bo.' });
    goalId = created.json().id;
    const second = await h.request('POST', `/api/citizens/${org.citizenId}/goals`, { cookie: cookies.coordinator, body: { title: 'Sove bedre' } });
    expect(second.statusCode).toBe(201);

    const paused = await h.request('PATCH', `/api/citizens/${org.citizenId}/goals/${second.json().id}`, { cookie: cookies.worker, body: { status: 'paused' } });
    expect(paused.json()).toMatchObject({ title: 'Sove bedre', status: 'paused', description: null });
    const listed = await h.request('GET', `/api/citizens/${org.citizenId}/goals`, { cookie: cookies.worker });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().map((g: { title: string; status: string }) => [g.title, g.status])).toEqual([['Handle ind selv', 'active'], ['Sove bedre', 'paused']]);
    expect((await auditRows('goal.read')).at(-1)).toMatchObject({ actor_id: org.workerId, subject_id: org.citizenId });

    const before = await count(h.admin, 'citizen_goals');
    for (const body of [{ title: '   ' }, { title: 'x'.repeat(121) }, { title: 'Ok', description: 'x'.repeat(1001) }, { title: 'Ok', extra: 1 }]) {
      const refused = await h.request('POST', `/api/citizens/${org.citizenId}/goals`, { cookie: cookies.worker, body });
      expect(refused.statusCode, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect((await h.request('PATCH', `/api/citizens/${org.citizenId}/goals/${goalId}`, { cookie: cookies.worker, body: { status: 'done' } })).statusCode).toBe(400);
    expect(await count(h.admin, 'citizen_goals')).toBe(before);
  });

  it('a worker without the citizen, a foreign citizen id and a volunteer get nothing', async () => {
    expect((await h.request('GET', `/api/citizens/${org.citizenId}/goals`, { cookie: stranger.cookie })).statusCode).toBe(404);
    expect((await h.request('POST', `/api/citizens/${org.citizenId}/goals`, { cookie: stranger.cookie, body: { title: 'Nej' } })).statusCode).toBe(404);
    expect((await h.request('PATCH', `/api/citizens/${org.citizenId}/goals/${goalId}`, { cookie: stranger.cookie, body: { status: 'achieved' } })).statusCode).toBe(404);
    expect((await h.request('GET', `/api/citizens/${org.otherCitizenId}/goals`, { cookie: cookies.worker })).statusCode).toBe(404);
    expect((await h.request('GET', `/api/citizens/${org.citizenId}/goals`, { cookie: cookies.volunteer })).statusCode).toBe(403);
    expect(await seenAs(stranger.id, 'worker', 'citizen_goals')).toEqual([]);
  });
});

describe('the note after a session', () => {
  it('opening the note for the call makes a draft pre-filled from the session log', async () => {
    const opened = await h.request('POST', '/api/notes', { cookie: cookies.worker, body: { callId } });
    expect(opened.statusCode).toBe(201);
    expect(opened.json()).toMatchObject({
      citizenId: org.citizenId, citizenName: 'Carl Borger', authorName: 'Bo Bostøtte', mine: true, way: 'video', durationMinutes: 18,
      outcome: null, status: 'draft', callId, appointmentId, goalIds: [], topics: null,
    });
    expect(opened.json().goals.map((g: { title: string }) => g.title)).toEqual(['Handle ind selv']);
    noteId = opened.json().id;
  });

  it('the draft is saved as the worker types: opening it again (a reload, another device) shows what was typed', async () => {
    const typed = await h.request('PATCH', `/api/notes/${noteId}`, {
      cookie: cookies.worker, body: { topics: 'Ugen og indkøb.', goalIds: [goalId], outcome: 'held', durationMinutes: 20 },
    });
    expect(typed.statusCode).toBe(200);
    await h.request('PATCH', `/api/notes/${noteId}`, { cookie: cookies.worker, body: { agreements: 'Vi handler sammen torsdag.', nextStep: 'Bo ringer onsdag.', concerns: '', freeText: 'Carl virkede glad.\nGod energi.' } });

    const reopened = await h.request('POST', '/api/notes', { cookie: cookies.worker, body: { callId } });
    expect(reopened.statusCode).toBe(201);
    expect(reopened.json()).toMatchObject({
      id: noteId, topics: 'Ugen og indkøb.', agreements: 'Vi handler sammen torsdag.', nextStep: 'Bo ringer onsdag.', concerns: null,
      freeText: 'Carl virkede glad.\nGod energi.', goalIds: [goalId], outcome: 'held', durationMinutes: 20, status: 'draft',
    });
    // Opened by its appointment, the same draft: one draft per author per session.
    expect((await h.request('POST', '/api/notes', { cookie: cookies.worker, body: { appointmentId } })).json().id).toBe(noteId);
    expect(await count(h.admin, 'session_notes')).toBe(1);
    expect((await h.request('GET', `/api/notes/${noteId}`, { cookie: cookies.worker })).json().topics).toBe('Ugen og indkøb.');
  });

  it('bad input is refused and changes nothing', async () => {
    const before = await h.admin`select * from session_notes where id = ${noteId}`;
    for (const body of [{ topics: 'x'.repeat(2001) }, { outcome: 'maybe' }, { topics: 'a\u0000b' }, {}, { goalIds: [org.citizenId] }, { durationMinutes: -1 }]) {
      const refused = await h.request('PATCH', `/api/notes/${noteId}`, { cookie: cookies.worker, body });
      expect(refused.statusCode, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    for (const body of [{ callId, appointmentId }, { way: 'phone' }, { citizenId: org.citizenId }]) {
      expect((await h.request('POST', '/api/notes', { cookie: cookies.worker, body })).statusCode).toBe(400);
    }
    expect(await h.admin`select * from session_notes where id = ${noteId}`).toEqual(before);
    // Another staff member who may read it may not write in it.
    expect((await h.request('PATCH', `/api/notes/${noteId}`, { cookie: cookies.coordinator, body: { topics: 'Min version' } })).statusCode).toBe(403);
  });

  it('finalising sets the appointment’s status and the session’s outcome; a final note is not changed any more', async () => {
    const finalised = await h.request('POST', `/api/notes/${noteId}/finalise`, { cookie: cookies.worker });
    expect(finalised.statusCode).toBe(200);
    expect(finalised.json()).toMatchObject({ status: 'final', outcome: 'held', appointmentUpdated: true });
    const [appointment] = await h.admin`select status from appointments where id = ${appointmentId}`;
    expect(appointment!.status).toBe('held');
    const [call] = await h.admin`select outcome, outcome_by from call_sessions where id = ${callId}`;
    expect(call).toEqual({ outcome: 'held', outcome_by: org.workerId });

    expect((await h.request('PATCH', `/api/notes/${noteId}`, { cookie: cookies.worker, body: { topics: 'Senere' } })).statusCode).toBe(409);
    expect((await h.request('POST', `/api/notes/${noteId}/finalise`, { cookie: cookies.worker })).statusCode).toBe(409);
    expect((await h.request('DELETE', `/api/notes/${noteId}`, { cookie: cookies.worker })).statusCode).toBe(409);
  });

  it('a draft without an outcome cannot be finalised; a phone note the worker writes by hand can be discarded', async () => {
    const opened = await h.request('POST', '/api/notes', { cookie: cookies.worker, body: { citizenId: org.citizenId, way: 'phone' } });
    expect(opened.statusCode).toBe(201);
    expect(opened.json()).toMatchObject({ way: 'phone', callId: null, appointmentId: null });
    const refused = await h.request('POST', `/api/notes/${opened.json().id}/finalise`, { cookie: cookies.worker });
    expect(refused.statusCode).toBe(400);
    expect((await h.request('DELETE', `/api/notes/${opened.json().id}`, { cookie: cookies.worker })).statusCode).toBe(204);
    expect(await count(h.admin, 'session_notes')).toBe(1);
  });
});

describe('who sees a note', () => {
  it('a worker without the citizen in their caseload gets 404 everywhere, and sees no rows even unfiltered', async () => {
    const before = await count(h.admin, 'audit_events');
    for (const url of [`/api/notes/${noteId}`, `/api/notes/${noteId}/export.pdf`, `/api/notes/${noteId}/export.txt`, `/api/citizens/${org.citizenId}/notes`, `/api/citizens/${org.citizenId}/timeline`]) {
      const response = await h.request('GET', url, { cookie: stranger.cookie });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('not_found');
      expect((await h.request('GET', url, { cookie: cookies.volunteer })).statusCode, url).toBe(403);
    }
    expect((await h.request('POST', '/api/notes', { cookie: stranger.cookie, body: { callId } })).statusCode).toBe(404);
    expect(await count(h.admin, 'audit_events')).toBe(before);

    // The database's own lock (migration 016): even a query that forgot every check shows them nothing.
    for (const table of ['session_notes', 'session_note_goals', 'citizen_goals', 'citizen_feedback']) {
      expect(await seenAs(stranger.id, 'worker', table), table).toEqual([]);
      expect(await seenAs(org.volunteerId, 'volunteer', table), table).toEqual([]);
    }
    expect(await seenAs(org.workerId, 'worker', 'session_notes')).toHaveLength(1);
    expect(await seenAs(org.coordinatorId, 'coordinator', 'session_notes')).toHaveLength(1);
  });

  it('every staff read writes its audit row: a note, the list, the timeline and each export', async () => {
    const reads: [string, string][] = [
      [`/api/notes/${noteId}`, 'note.read'],
      [`/api/citizens/${org.citizenId}/notes`, 'note.list'],
      [`/api/citizens/${org.citizenId}/timeline`, 'timeline.read'],
      [`/api/notes/${noteId}/export.pdf`, 'note.export'],
      [`/api/notes/${noteId}/export.txt`, 'note.export'],
    ];
    for (const [url, action] of reads) {
      const before = (await auditRows(action)).length;
      const response = await h.request('GET', url, { cookie: cookies.coordinator });
      expect(response.statusCode, url).toBe(200);
      const rows = await auditRows(action);
      expect(rows.length, url).toBe(before + 1);
      expect(rows.at(-1), url).toMatchObject({ actor_id: org.coordinatorId, subject_id: org.citizenId });
    }
  });

  it('the citizen reads only final notes, and only once the organisation allows it ("Det skrev vi")', async () => {
    // A draft of Bo's that Carl must never see.
    await h.request('POST', '/api/notes', { cookie: cookies.worker, body: { citizenId: org.citizenId, way: 'home_visit' } });
    const off = await h.request('GET', '/api/my/notes', { cookie: citizen });
    expect(off.json()).toEqual({ allowed: false, notes: [] });
    expect(await seenAs(org.citizenId, 'citizen', 'session_notes')).toEqual([]);

    expect((await h.request('PUT', '/api/organisation/notes-settings', { cookie: cookies.worker, body: { citizensReadNotes: true } })).statusCode).toBe(403);
    const on = await h.request('PUT', '/api/organisation/notes-settings', { cookie: cookies.coordinator, body: { citizensReadNotes: true } });
    expect(on.json()).toEqual({ citizensReadNotes: true });
    const mine = await h.request('GET', '/api/my/notes', { cookie: citizen });
    expect(mine.json()).toEqual({
      allowed: true,
      notes: [{
        id: noteId, occurredAt: expect.any(String), authorFirstName: 'Bo', way: 'video', topics: 'Ugen og indkøb.', agreements: 'Vi handler sammen torsdag.',
        nextStep: 'Bo ringer onsdag.', concerns: null, freeText: 'Carl virkede glad.\nGod energi.',
      }],
    });
    expect((await seenAs(org.citizenId, 'citizen', 'session_notes')).map((r) => r.id)).toEqual([noteId]);
    expect(await seenAs(org.otherCitizenId, 'citizen', 'session_notes')).toEqual([]);
    // Staff routes stay closed to the citizen.
    expect((await h.request('GET', `/api/notes/${noteId}`, { cookie: citizen })).statusCode).toBe(403);
    await h.request('PUT', '/api/organisation/notes-settings', { cookie: cookies.coordinator, body: { citizensReadNotes: false } });
    expect((await h.request('GET', '/api/my/notes', { cookie: citizen })).json()).toEqual({ allowed: false, notes: [] });
  });
});

describe('the citizen’s voice', () => {
  it('an answer not shared counts but is never shown to staff; a shared one is shown to the citizen’s worker only', async () => {
    const unshared = await h.request('POST', '/api/my/feedback', { cookie: citizen, body: { callId, mood: 'bad', comment: 'Lyden var dårlig.' } });
    expect(unshared.statusCode).toBe(204);
    expect((await h.request('POST', '/api/my/feedback', { cookie: citizen, body: { callId, mood: 'good' } })).statusCode).toBe(409);
    const [row] = await h.admin`select citizen_id, call_session_id, appointment_id, mood, comment, shared_with_worker from citizen_feedback`;
    expect(row).toEqual({ citizen_id: org.citizenId, call_session_id: callId, appointment_id: appointmentId, mood: 'bad', comment: 'Lyden var dårlig.', shared_with_worker: false });

    const timeline = async (cookie: string) => (await h.request('GET', `/api/citizens/${org.citizenId}/timeline?kinds=feedback`, { cookie })).json().items;
    expect(await timeline(cookies.worker)).toEqual([]);
    expect(await seenAs(org.workerId, 'worker', 'citizen_feedback')).toEqual([]);

    expect((await h.request('POST', '/api/my/feedback', { cookie: citizen, body: { mood: 'good', comment: 'Rart at tale med Bo.', sharedWithWorker: true } })).statusCode).toBe(204);
    expect(await timeline(cookies.worker)).toEqual([{ kind: 'feedback', id: expect.any(String), at: expect.any(String), mood: 'good', comment: 'Rart at tale med Bo.' }]);
    expect(await seenAs(org.workerId, 'worker', 'citizen_feedback')).toHaveLength(1);
    // Coordinators hold no caseload: the same rule shows them no individual answer.
    expect(await timeline(cookies.coordinator)).toEqual([]);
    expect(await seenAs(stranger.id, 'worker', 'citizen_feedback')).toEqual([]);
    expect(await seenAs(org.citizenId, 'citizen', 'citizen_feedback')).toHaveLength(2);
    expect(await seenAs(org.otherCitizenId, 'citizen', 'citizen_feedback')).toEqual([]);

    // The statistics count every answer, whoever asks, without seeing one.
    const moods = await inOrganisation(h.sql, org.id, async (tx) => {
      await tx`select set_config('app.user_id', ${org.coordinatorId}, true), set_config('app.user_role', 'coordinator', true)`;
      return tx<{ mood: string; answers: number }[]>`select mood, answers from citizen_feedback_moods(now() - interval '1 day', now() + interval '1 day')`;
    });
    expect(moods).toEqual([{ mood: 'bad', answers: 1 }, { mood: 'good', answers: 1 }]);
  });

  it('a citizen cannot answer for another citizen’s session, and bad answers are refused', async () => {
    const dorte = await h.request('POST', `/api/citizens/${org.otherCitizenId}/links`, { cookie: cookies.coordinator });
    const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(dorte.json().url).hash.slice(1) } });
    const dorteCookie = `naervaer_session=${exchanged.cookies.find((c) => c.name === 'naervaer_session')!.value}`;
    const before = await count(h.admin, 'citizen_feedback');
    expect((await h.request('POST', '/api/my/feedback', { cookie: dorteCookie, body: { callId, mood: 'ok' } })).statusCode).toBe(404);
    for (const body of [{ mood: 'great' }, { mood: 'ok', comment: 'x'.repeat(501) }, { mood: 'ok', comment: '  ' }, {}]) {
      expect((await h.request('POST', '/api/my/feedback', { cookie: citizen, body })).statusCode).toBe(400);
    }
    expect((await h.request('POST', '/api/my/feedback', { cookie: cookies.worker, body: { mood: 'ok' } })).statusCode).toBe(403);
    expect(await count(h.admin, 'citizen_feedback')).toBe(before);
  });
});

describe('the timeline', () => {
  it('sessions, notes, no-shows, requests and changes of plan, newest first, filtered by kind and paged', async () => {
    const [missed] = await h.admin<{ id: string }[]>`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, status, created_by)
      values (${org.id}, ${org.workerId}, ${org.citizenId}, now() - interval '3 days', now() - interval '3 days' + interval '30 minutes', 'home_visit', 'no_show', ${org.workerId})
      returning id`;
    const [future] = await h.admin<{ id: string }[]>`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by)
      values (${org.id}, ${org.workerId}, ${org.citizenId}, now() + interval '3 days', now() + interval '3 days' + interval '30 minutes', 'home_visit', ${org.workerId})
      returning id`;
    await h.admin`insert into change_requests (organisation_id, appointment_id, kind, requested_modality, created_at) values (${org.id}, ${future!.id}, 'modality', 'video', now() - interval '2 days')`;
    await h.admin`insert into contact_requests (organisation_id, citizen_id, way, answerer, answer_by, status, claimed_by, claimed_at, ended_at, created_at)
                  values (${org.id}, ${org.citizenId}, 'phone', 'own_worker', now(), 'closed', ${org.workerId}, now() - interval '4 days' + interval '6 minutes', now() - interval '4 days' + interval '20 minutes', now() - interval '4 days')`;

    const all = await h.request('GET', `/api/citizens/${org.citizenId}/timeline`, { cookie: cookies.worker });
    expect(all.statusCode).toBe(200);
    const items = all.json().items as { kind: string; at: string }[];
    expect(all.json().citizenName).toBe('Carl Borger');
    // The shared answer, Bo's home-visit draft (his own, so shown to him), then the session and its note (same instant).
    expect(items.map((i) => i.kind)).toEqual(['feedback', 'note', 'note', 'session', 'plan_change', 'no_show', 'request']);
    expect([...items].sort((a, b) => (a.at < b.at ? 1 : -1)).map((i) => i.at)).toEqual(items.map((i) => i.at));
    expect(items.find((i) => i.kind === 'session')).toMatchObject({ id: callId, sessionKind: 'planned', minutes: 18, reconnects: 1, audioOnly: true, rttMs: 84, lossPct: 1.3, outcome: 'held' });
    expect(items.find((i) => i.kind === 'note' && (i as { id?: string }).id === noteId)).toMatchObject({ id: noteId, way: 'video', status: 'final', outcome: 'held', authorName: 'Bo Bostøtte', summary: 'Ugen og indkøb.', goalTitles: ['Handle ind selv'] });
    expect(items.find((i) => i.kind === 'no_show')).toMatchObject({ id: missed!.id, modality: 'home_visit' });
    expect(items.find((i) => i.kind === 'plan_change')).toMatchObject({ change: 'modality_request', modality: 'video', decision: 'open' });
    expect(items.find((i) => i.kind === 'request')).toMatchObject({ way: 'phone', status: 'closed', answeredAfterMinutes: 6 });
    expect(all.json().nextBefore).toBeNull();

    const some = await h.request('GET', `/api/citizens/${org.citizenId}/timeline?kinds=no_show,note`, { cookie: cookies.worker });
    expect(some.json().items.map((i: { kind: string }) => i.kind)).toEqual(['note', 'note', 'no_show']);
    const older = await h.request('GET', `/api/citizens/${org.citizenId}/timeline?before=${encodeURIComponent(items.find((i) => i.kind === 'no_show')!.at)}`, { cookie: cookies.worker });
    expect(older.json().items.map((i: { kind: string }) => i.kind)).toEqual(['request']);
    for (const query of ['kinds=everything', 'kinds=note,,session', 'before=yesterday', 'other=1']) {
      expect((await h.request('GET', `/api/citizens/${org.citizenId}/timeline?${query}`, { cookie: cookies.worker })).statusCode, query).toBe(400);
    }
  });

  it('pages: 30 at a time, the next page from nextBefore', async () => {
    await h.admin`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, status, created_by)
      select ${org.id}, ${org.workerId}, ${org.citizenId}, now() - make_interval(days => 10 + i), now() - make_interval(days => 10 + i) + interval '30 minutes', 'phone', 'no_show', ${org.workerId}
      from generate_series(1, 40) as i`;
    const first = (await h.request('GET', `/api/citizens/${org.citizenId}/timeline?kinds=no_show`, { cookie: cookies.worker })).json();
    expect(first.items).toHaveLength(30);
    const second = (await h.request('GET', `/api/citizens/${org.citizenId}/timeline?kinds=no_show&before=${encodeURIComponent(first.nextBefore)}`, { cookie: cookies.worker })).json();
    expect(second.items).toHaveLength(11);
    expect(second.nextBefore).toBeNull();
    expect(new Set([...first.items, ...second.items].map((i: { id: string }) => i.id)).size).toBe(41);
  });
});

describe('export to the case system', () => {
  it('the PDF holds the citizen’s name and the note’s fields, and no phone number, e-mail or id', async () => {
    const response = await h.request('GET', `/api/notes/${noteId}/export.pdf`, { cookie: cookies.worker });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const file = path.join(h.dataDir, 'notat.pdf');
    fs.writeFileSync(file, response.rawPayload);
    const text = execFileSync('/usr/bin/pdftotext', [file, '-'], { encoding: 'utf8' });
    for (const expected of ['Notat fra samtale', 'Carl Borger', 'Video', '20 min.', 'Holdt', 'Handle ind selv', 'Ugen og indkøb.', 'Vi handler sammen torsdag.',
      'Bo ringer onsdag.', 'Carl virkede glad.', 'Bo Bostøtte', `N-${noteId.slice(0, 8).toUpperCase()}`]) {
      expect(text, expected).toContain(expected);
    }
    for (const forbidden of ['+4512345678', '12345678', '@', org.citizenId, noteId, 'Bekymringer']) expect(text, forbidden).not.toContain(forbidden);
  });

  it('the plain text says the same, ready to paste', async () => {
    const response = await h.request('GET', `/api/notes/${noteId}/export.txt`, { cookie: cookies.worker });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toContain('Borger: Carl Borger\n');
    expect(response.body).toContain('Det talte vi om:\nUgen og indkøb.\n');
    expect(response.body).toContain('Notat:\nCarl virkede glad.\nGod energi.\n');
    expect(response.body).toContain('Mål: Handle ind selv\n');
    for (const forbidden of ['12345678', '@', org.citizenId, noteId]) expect(response.body, forbidden).not.toContain(forbidden);
  });
});

describe('retention', () => {
  it('when retention anonymises the citizen, their goals, notes and answers go', async () => {
    for (const table of ['citizen_goals', 'session_notes', 'session_note_goals', 'citizen_feedback']) expect(await count(h.admin, table), table).toBeGreaterThan(0);
    await h.admin`update users set active = false where id = ${org.citizenId}`;
    await h.admin`update users set deactivated_at = now() - interval '400 days' where id = ${org.citizenId}`;
    await h.sql`select apply_retention()`;
    const [row] = await h.admin`select anonymised_at from users where id = ${org.citizenId}`;
    expect(row!.anonymised_at).not.toBeNull();
    for (const table of ['citizen_goals', 'session_notes', 'session_note_goals', 'citizen_feedback']) expect(await count(h.admin, table), table).toBe(0);
    // The session log stays (until its own retention), without the notes.
    expect(await count(h.admin, 'call_sessions')).toBe(1);
  });
});
