/**
 * Issue 11, figures: every expected number below was counted by hand from the rows written out in
 * tests/support/activity-seed.ts (the comment beside each says how), so a change to what a figure means shows here.
 * Months are local months in Europe/Copenhagen: the seed's contacts at 00:30 on the 1st belong to that month although
 * UTC still says the month before.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Statistics } from '../protocol/statistics.js';
import { inOrganisation } from '../server/db/database.js';
import { computeFigures, periods } from '../server/statistics/store.js';
import { citizenCookie } from './support/calls.js';
import { figuresFromRows } from './support/raw-figures.js';
import { seedActivity, type Activity } from './support/activity-seed.js';
import { useHarness } from './support/use-harness.js';

const { h, org, cookies } = useHarness({ signIn: ['worker', 'coordinator', 'volunteer'] });
let activity: Activity;
let kim: string;

beforeAll(async () => {
  activity = await seedActivity(h.admin, org);
  kim = await h.login(activity.kimEmail);
});

async function stats(query: string, cookie = cookies.coordinator): Promise<Statistics> {
  const response = await h.request('GET', `/api/statistics?${query}`, { cookie });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** A figure's lines as {key: [current, previous]}. */
function figure(s: Statistics, id: string): Record<string, [number | null, number | null]> {
  const found = s.figures.find((f) => f.id === id);
  if (!found) throw new Error(`no figure ${id}`);
  return Object.fromEntries(found.rows.map((r) => [r.key, [r.current, r.previous]]));
}

describe('the organisation, one month beside the one before', () => {
  it('March 2026 (clocks forward on the 29th) beside February', async () => {
    const s = await stats('from=2026-03&to=2026-03');
    expect(s).toMatchObject({ from: '2026-03', to: '2026-03', previousFrom: '2026-02', previousTo: '2026-02', scope: 'organisation', timeZone: 'Europe/Copenhagen' });
    expect(s.teams.map((t) => t.name)).toEqual(['Team Nord', 'Team Syd']);
    // March: 13 appointments not cancelled (Bo 9, Kim 4), 2 ad hoc sessions, 4 answered requests = 19 contacts.
    // Video: Bo's 7 appointments + Kim's 2 + 2 ad hoc + Fie's video request = 12; phone: 2 appointments + Carl's 2
    // requests = 4; home visits: Erik's and Fie's = 2; chat: Erik's request = 1.
    // February: 7 appointments + Fie's chat request = 8: video Carl, Erik, Fie = 3; phone Carl (28th, 23:30) = 1;
    // home visits Carl, Erik, Gert = 3; chat 1. The 00:30 on 1 March counts in March, not February.
    expect(figure(s, 'ways')).toEqual({ video: [12, 3], phone: [4, 1], home_visit: [2, 3], chat: [1, 1] });
    expect(figure(s, 'kinds')).toEqual({ planned: [13, 7], ad_hoc: [2, 0], citizen_initiated: [4, 1] });
    // Held: 10 appointments + 2 ad hoc + 4 answered requests = 16; no-show Erik 5 March; technical failure Erik
    // 11 March; Gert's booked one has no outcome yet. February: 6 held appointments + the chat = 7, Erik's no-show.
    expect(figure(s, 'outcomes')).toEqual({ held: [16, 7], no_show: [1, 1], technical_failure: [1, 0] });
    // 4 video sessions started in March; Carl (ad hoc) and Fie (planned) switched to audio only: 2 of 4 = 50 %.
    expect(figure(s, 'audioOnly')).toEqual({ videoCalls: [4, 0], audioOnlyCalls: [2, 0], audioOnlyShare: [50, null] });
    // Round trips of the 8 participants: 30 40 50 60 | 70 80 100 120 → (60 + 70) / 2 = 65 ms;
    // loss 0 0.2 0.5 1.0 | 1.5 2.0 2.5 3.0 → (1.0 + 1.5) / 2 = 1.25 %.
    expect(figure(s, 'quality')).toEqual({ medianRttMs: [65, null], medianLossPct: [1.25, null] });
    // Requests: 5 in March (Gert's was cancelled), answered after 4, 10, 6 and 20 minutes: median (6 + 10) / 2 = 8,
    // 90th percentile between 10 and 20 at 0.7 → 17. February: one, after 12 minutes.
    expect(figure(s, 'answerTime')).toEqual({ requests: [5, 1], answered: [4, 1], medianMinutes: [8, 12], p90Minutes: [17, 12] });
    // Instead of a home visit (held, planned video/phone, distance set): Carl 1, 2, 3, 29 and 31 March (5 × 12.5 km,
    // 5 × 20 min), Erik 4 March (30 km, 40 min), Gert's phone call 4 March (8 km, 15 min) = 7; round trips:
    // 2 × (62.5 + 30 + 8) = 201 km, 2 × (100 + 40 + 15) = 310 min = 5.2 h. February: Carl's video 2nd and phone
    // 28th = 2 × 2 × 12.5 = 50 km, 2 × 2 × 20 = 80 min = 1.3 h.
    expect(figure(s, 'travel')).toEqual({ insteadOfHomeVisit: [7, 2], kmSaved: [201, 50], hoursSaved: [5.2, 1.3] });
    // The citizens' faces: March 5 good (one at 00:59 on the 1st) and 1 bad; February Fie's ok.
    expect(figure(s, 'feedback')).toEqual({ good: [5, 0], ok: [0, 1], bad: [1, 0] });
  });

  it('October 2025 (clocks back on the 26th) keeps its 00:30 on the 1st, and November takes its own', async () => {
    // October: Carl 1st 00:30 (UTC: 30 September), Gert 15th, Carl 26th, Erik 31st 23:30 — all held. September: nothing.
    const october = await stats('from=2025-10&to=2025-10');
    expect(figure(october, 'ways')).toEqual({ video: [3, 0], phone: [1, 0], home_visit: [0, 0], chat: [0, 0] });
    expect(figure(october, 'outcomes')).toEqual({ held: [4, 0], no_show: [0, 0], technical_failure: [0, 0] });
    // November: Fie's no-show on the 1st at 00:30 (UTC: 31 October) and Carl's home visit; October before it: 4.
    const november = await stats('from=2025-11&to=2025-11');
    expect(figure(november, 'outcomes')).toEqual({ held: [1, 4], no_show: [1, 0], technical_failure: [0, 0] });
  });

  it('a quarter beside the quarter before', async () => {
    // January–March: 3 + 8 + 19 = 30 contacts; October–December: 4 + 2 + 2 = 8.
    const s = await stats('from=2026-01&to=2026-03');
    expect(s).toMatchObject({ previousFrom: '2025-10', previousTo: '2025-12' });
    // Video: January 2 (Carl 1st, Erik 15th) + February 3 + March 12 = 17; before: October 3 + Fie + Erik = 5.
    expect(figure(s, 'ways')).toEqual({ video: [17, 5], phone: [5, 2], home_visit: [5, 1], chat: [3, 0] });
    expect(figure(s, 'kinds')).toEqual({ planned: [23, 8], ad_hoc: [2, 0], citizen_initiated: [5, 0] });
  });
});

describe('a team, and a worker’s own work', () => {
  it('Team Syd: Kim’s contacts, and the requests of Kim’s citizens', async () => {
    const s = await stats(`from=2026-03&to=2026-03&teamId=${activity.teams.syd}`);
    expect(s).toMatchObject({ scope: 'team', team: { id: activity.teams.syd, name: 'Team Syd' } });
    // Kim in March: Fie video + home visit, Gert phone + booked video, the ad hoc with Fie, and the two requests Kim
    // answered (Fie's video, Carl's phone on duty) = 7. February: Fie video, Gert home visit, Fie's chat = 3.
    expect(figure(s, 'ways')).toEqual({ video: [4, 1], phone: [2, 0], home_visit: [1, 1], chat: [0, 1] });
    expect(figure(s, 'kinds')).toEqual({ planned: [4, 2], ad_hoc: [1, 0], citizen_initiated: [2, 1] });
    // Kim's 2 sessions: rtt 30 60 100 120 → 80; loss 0 0.2 2.5 3.0 → 1.35. Fie switched to audio once: 1 of 2.
    expect(figure(s, 'quality')).toEqual({ medianRttMs: [80, null], medianLossPct: [1.35, null] });
    expect(figure(s, 'audioOnly')).toEqual({ videoCalls: [2, 0], audioOnlyCalls: [1, 0], audioOnlyShare: [50, null] });
    // The team's citizens (Fie, Gert) asked twice in March; Fie's answered after 6 minutes. February: Fie's, 12.
    expect(figure(s, 'answerTime')).toEqual({ requests: [2, 1], answered: [1, 1], medianMinutes: [6, 12], p90Minutes: [6, 12] });
    // Gert's phone call: 1 × 2 × 8 km, 2 × 15 min = 0.5 h.
    expect(figure(s, 'travel')).toEqual({ insteadOfHomeVisit: [1, 0], kmSaved: [16, null], hoursSaved: [0.5, null] });
    // The citizens' answers are counted for the whole organisation only (a team's would come close to naming who).
    expect(s.figures.map((f) => f.id)).not.toContain('feedback');
  });

  it('a worker sees their own work only, whatever team they name', async () => {
    const s = await stats('from=2026-03&to=2026-03', cookies.worker);
    expect(s).toMatchObject({ scope: 'own', team: null, teams: [] });
    // Bo in March: 9 appointments (the cancelled one left out), 1 ad hoc, 2 requests answered (Carl phone, Erik chat).
    expect(figure(s, 'kinds')).toEqual({ planned: [9, 5], ad_hoc: [1, 0], citizen_initiated: [2, 0] });
    expect(figure(s, 'ways')).toEqual({ video: [8, 2], phone: [2, 1], home_visit: [1, 2], chat: [1, 0] });
    // Requests to Bo (as own worker) or answered by him: Carl 4 min, Erik 10, Carl 20 (Kim answered) → median 10,
    // 90th percentile 10 + 0.8 × 10 = 18.
    expect(figure(s, 'answerTime')).toEqual({ requests: [3, 0], answered: [3, 0], medianMinutes: [10, null], p90Minutes: [18, null] });
    // His own team is fine (still his own work); another team is not.
    expect((await stats(`from=2026-03&to=2026-03&teamId=${activity.teams.nord}`, cookies.worker)).scope).toBe('own');
    const other = await h.request('GET', `/api/statistics?from=2026-03&to=2026-03&teamId=${activity.teams.syd}`, { cookie: cookies.worker });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('forbidden');
    for (const format of ['export.csv', 'export.xlsx', 'report.pdf']) {
      const file = await h.request('GET', `/api/statistics/${format}?from=2026-03&to=2026-03&teamId=${activity.teams.syd}`, { cookie: cookies.worker });
      expect(file.statusCode, format).toBe(403);
    }
    // Kim, the other worker, sees Kim's: 4 planned, 1 ad hoc, 2 answered.
    expect(figure(await stats('from=2026-03&to=2026-03', kim), 'kinds')).toEqual({ planned: [4, 2], ad_hoc: [1, 0], citizen_initiated: [2, 1] });
  });

  it('volunteers and citizens get 403; bad periods 400; an unknown team 404 — and nothing is written', async () => {
    const citizen = await citizenCookie(h, org, cookies.worker);
    for (const cookie of [cookies.volunteer, citizen]) {
      for (const url of ['/api/statistics', '/api/statistics/export.csv', '/api/statistics/export.xlsx', '/api/statistics/report.pdf']) {
        const response = await h.request('GET', `${url}?from=2026-03&to=2026-03`, { cookie });
        expect(response.statusCode, url).toBe(403);
      }
    }
    const before = await h.admin`select count(*)::int as n from audit_events`;
    for (const query of ['from=2026-03&to=2026-02', 'from=2025-01&to=2026-01', 'from=2026-13&to=2026-13', 'from=2026-3&to=2026-03']) {
      const response = await h.request('GET', `/api/statistics/export.csv?${query}`, { cookie: cookies.coordinator });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toMatch(/^(bad_request|validation)$/);
    }
    const unknown = await h.request('GET', '/api/statistics?from=2026-03&to=2026-03&teamId=5f0c3c2e-0000-4000-8000-000000000001', { cookie: cookies.coordinator });
    expect(unknown.statusCode).toBe(404);
    expect(await h.admin`select count(*)::int as n from audit_events`).toEqual(before);
  });
});

describe('exports', () => {
  const NAMES = ['Carl', 'Erik', 'Fie', 'Gert', 'Bo Bostøtte', 'Kim Kollega', 'Karin'];
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

  it('CSV: counts of 1–4 and values resting on fewer than 5 are "<5"; no names, no ids; the export is audited', async () => {
    const response = await h.request('GET', '/api/statistics/export.csv?from=2026-03&to=2026-03', { cookie: cookies.coordinator });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="naervaer-2026-03-2026-03.csv"');
    const lines = response.body.replace(/^\ufeff/, '').split('\r\n');
    expect(lines[0]).toBe('Nøgletal;Linje;marts 2026;Forrige periode (februar 2026)');
    const row = (label: string) => lines.find((l) => l.split(';')[1] === label)?.split(';').slice(2);
    // (current, previous) from the first test: 12/3, 4/1, 2/3, 1/1 …
    expect(row('Video')).toEqual(['12', '<5']);
    expect(row('Telefon')).toEqual(['<5', '<5']);
    expect(row('Hjemmebesøg')).toEqual(['<5', '<5']);
    expect(row('Planlagt')).toEqual(['13', '7']);
    expect(row('Ad hoc')).toEqual(['<5', '0']);
    expect(row('Afholdt')).toEqual(['16', '7']);
    // 4 video sessions: the share of audio only rests on fewer than 5; none in February: nothing to count from.
    expect(row('Andel med kun lyd (%)')).toEqual(['<5', '–']);
    // The medians of 8 participants are published; the answer times rest on 4 and 1 requests.
    expect(row('Svartid på forbindelsen (ms)')).toEqual(['65', '–']);
    expect(row('Tabte pakker (%)')).toEqual(['1,25', '–']);
    expect(row('Henvendelser')).toEqual(['5', '<5']);
    expect(row('Median, minutter')).toEqual(['<5', '<5']);
    expect(row('Samtaler i stedet for hjemmebesøg')).toEqual(['7', '<5']);
    expect(row('Kilometer sparet')).toEqual(['201', '<5']);
    expect(row('Timer sparet')).toEqual(['5,2', '<5']);
    expect(row('Godt')).toEqual(['5', '0']);
    expect(row('Skidt')).toEqual(['<5', '0']);
    for (const name of NAMES) expect(response.body).not.toContain(name);
    expect(response.body).not.toMatch(UUID);
    const [event] = await h.admin<{ actor_id: string; subject_id: string | null; detail: Record<string, unknown> }[]>`
      select actor_id, subject_id, detail from audit_events where action = 'statistics.exported' order by id desc limit 1`;
    expect(event).toEqual({ actor_id: org.coordinatorId, subject_id: null, detail: { format: 'csv', from: '2026-03', to: '2026-03', scope: 'organisation', contacts: 19 } });
  });

  it('XLSX: the same cells, read back with exceljs', async () => {
    const response = await h.request('GET', `/api/statistics/export.xlsx?from=2026-03&to=2026-03&teamId=${activity.teams.syd}`, { cookie: cookies.coordinator });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Nøgletal')!;
    const rows = new Map<string, unknown[]>();
    const texts: string[] = [];
    sheet.eachRow((r) => {
      const values = (r.values as unknown[]).slice(1);
      texts.push(values.join(' '));
      rows.set(String(values[1]), values.slice(2));
    });
    // Team Syd, March beside February (the team test above): video 4/1, planned 4/2, held 6/3, rtt median of 4.
    expect(rows.get('Video')).toEqual(['<5', '<5']);
    expect(rows.get('Afholdt')).toEqual([6, '<5']);
    expect(rows.get('Svartid på forbindelsen (ms)')).toEqual(['<5', '–']);
    expect(rows.get('Chat')).toEqual([0, '<5']);
    expect(texts).toContain('Team: Team Syd');
    for (const name of NAMES) expect(texts.join('\n')).not.toContain(name);
    expect(texts.join('\n')).not.toMatch(UUID);
  });

  it('the evaluation report: period, teams, figures beside the period before, reading guide, suppression explained', async () => {
    const response = await h.request('GET', '/api/statistics/report.pdf?from=2026-01&to=2026-03', { cookie: cookies.coordinator });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const file = path.join(h.dataDir, 'report.pdf');
    fs.writeFileSync(file, response.rawPayload);
    // Lines wrap where the page ends them: compare with runs of white space as one space.
    const text = execFileSync('/usr/bin/pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Evalueringsrapport: virtuel bostøtte');
    expect(text).toContain('Testkommune');
    expect(text).toContain('Periode: januar 2026 – marts 2026. Sammenlignet med: oktober 2025 – december 2025.');
    expect(text).toContain('Teams: Team Nord, Team Syd');
    expect(text).toContain('Sådan læser du tallene');
    expect(text).toMatch(/vises et antal fra 1 til 4 som "<5"/);
    // Video 17 beside 5; planned 23 beside 8 (the quarter test above).
    expect(text).toContain('Video 17 5');
    expect(text).toContain('Planlagt 23 8');
    for (const name of NAMES) expect(text).not.toContain(name);
    const [event] = await h.admin<{ detail: Record<string, unknown> }[]>`select detail from audit_events where action = 'statistics.exported' order by id desc limit 1`;
    expect(event!.detail).toEqual({ format: 'pdf', from: '2026-01', to: '2026-03', scope: 'organisation', contacts: 30 });
  });
});

describe('travel distance', () => {
  it('a worker sets it for a citizen of theirs (audited); not for others; anonymising a citizen clears it', async () => {
    const { erik, fie } = activity.citizens;
    const put = await h.request('PUT', `/api/citizens/${erik}/travel`, { cookie: cookies.worker, body: { km: 31.5, minutes: 45 } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ km: 31.5, minutes: 45 });
    expect((await h.request('GET', `/api/citizens/${erik}/travel`, { cookie: cookies.worker })).json()).toEqual({ km: 31.5, minutes: 45 });
    expect(await h.admin`select action from audit_events where subject_id = ${erik} order by id`).toEqual([{ action: 'citizen.travel.set' }, { action: 'citizen.travel.read' }]);
    // Fie is Kim's: Bo gets 404 and nothing changes; a coordinator may set anyone's.
    expect((await h.request('PUT', `/api/citizens/${fie}/travel`, { cookie: cookies.worker, body: { km: 1, minutes: 1 } })).statusCode).toBe(404);
    expect((await h.request('GET', `/api/citizens/${fie}/travel`, { cookie: cookies.worker })).statusCode).toBe(404);
    expect((await h.request('PUT', `/api/citizens/${org.coordinatorId}/travel`, { cookie: cookies.coordinator, body: { km: 1, minutes: 1 } })).statusCode).toBe(404);
    for (const body of [{ km: -1, minutes: 10 }, { km: 1001, minutes: 10 }, { km: 5, minutes: 1.5 }, { km: 5 }, { km: '5', minutes: 5 }]) {
      expect((await h.request('PUT', `/api/citizens/${erik}/travel`, { cookie: cookies.worker, body })).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await h.admin`select travel_km::float as km, travel_minutes from users where id = ${erik}`).toEqual([{ km: 31.5, travel_minutes: 45 }]);
    // Clearing it: null.
    expect((await h.request('PUT', `/api/citizens/${fie}/travel`, { cookie: cookies.coordinator, body: { km: 4, minutes: null } })).json()).toEqual({ km: 4, minutes: null });
    await h.admin`update users set active = false, deactivated_at = now(), anonymised_at = now(), display_name = 'Anonymiseret borger' where id = ${fie}`;
    expect(await h.admin`select travel_km, travel_minutes from users where id = ${fie}`).toEqual([{ travel_km: null, travel_minutes: null }]);
    // Put Erik's back for the other tests' counts.
    await h.admin`update users set travel_km = 30, travel_minutes = 40 where id = ${erik}`;
  });
});

describe('the monthly summaries', () => {
  /** The figures of a period from the summaries and counted from the rows, for the whole organisation. */
  async function both(from: string, to: string): Promise<{ summary: unknown; rows: unknown }> {
    const p = periods(from, to);
    return inOrganisation(h.sql, org.id, async (tx) => {
      const [b] = await tx<{ previous: Date; current: Date; end: Date }[]>`
        select (${`${p.previousFrom}-01`}::date::timestamp at time zone time_zone) as previous,
               (${`${p.from}-01`}::date::timestamp at time zone time_zone) as current,
               (${`${p.afterTo}-01`}::date::timestamp at time zone time_zone) as "end"
        from organisations where id = ${org.id}`;
      const rows = await figuresFromRows(tx, org.id, { kind: 'organisation' }, b!);
      const summary = (await computeFigures(tx, org.id, { kind: 'organisation' }, { ...b!, months: { previous: `${p.previousFrom}-01`, current: `${p.from}-01`, last: `${p.to}-01` } }))
        .filter((f) => rows.some((r) => r.id === f.id));
      return { summary, rows };
    });
  }
  async function expectEqual(step: string) {
    for (const [from, to] of [['2026-03', '2026-03'], ['2026-04', '2026-04'], ['2026-01', '2026-03'], ['2025-10', '2025-11']] as const) {
      const { summary, rows } = await both(from, to);
      expect(summary, `${step}: ${from}–${to}`).toEqual(rows);
    }
  }

  it('always equal the figures counted from the rows, through changes of every kind', async () => {
    await expectEqual('seeded');
    const { bo, kim } = activity.staff;
    const { carl, erik, gert } = activity.citizens;
    // An appointment moved over a month's end (31 March 23:30 → 1 April 00:30, local), one held → no-show, one booked
    // → held, one cancelled, one deleted, one changed from video to phone, one handed to another worker.
    await h.admin`update appointments set starts_at = starts_at + interval '1 hour', ends_at = ends_at + interval '1 hour'
                  where worker_id = ${bo} and starts_at = '2026-03-31T21:30:00Z'`;
    await h.admin`update appointments set status = 'no_show' where citizen_id = ${erik} and starts_at = '2026-03-04T09:00:00Z'`;
    await h.admin`update appointments set status = 'held' where citizen_id = ${gert} and status = 'booked'`;
    await h.admin`update appointments set status = 'cancelled' where citizen_id = ${carl} and starts_at = '2026-03-03T09:00:00Z'`;
    await h.admin`delete from appointments where citizen_id = ${erik} and starts_at = '2026-03-06T09:00:00Z'`;
    await h.admin`update appointments set modality = 'phone' where citizen_id = ${carl} and starts_at = '2026-03-29T08:00:00Z'`;
    await h.admin`update appointments set worker_id = ${kim} where citizen_id = ${erik} and starts_at = '2026-03-11T09:00:00Z'`;
    await expectEqual('appointments changed');
    // Sessions: an outcome changed, someone switching to audio only and back, a quality sample, a new session started
    // with its participants, and one ad hoc session deleted with its participants (as retention does).
    await h.admin`update call_sessions set outcome = 'technical_failure' where kind = 'ad_hoc' and worker_id = ${bo}`;
    await h.admin`update call_participants set audio_only_used = true where user_id = ${kim}`;
    await h.admin`update call_participants set audio_only_used = false where user_id = ${activity.citizens.fie}`;
    await h.admin`update call_participants set rtt_ms_avg = 90, packet_loss_pct_avg = 0.75, quality_samples = 11 where user_id = ${bo} and rtt_ms_avg = 50`;
    const [started] = await h.admin<{ id: string }[]>`
      insert into call_sessions (organisation_id, worker_id, citizen_id, kind, created_at) values (${org.id}, ${kim}, ${gert}, 'ad_hoc', '2026-03-20T10:00:00Z') returning id`;
    await h.admin`insert into call_participants (organisation_id, session_id, user_id, role, audio_only_used, quality_samples, rtt_ms_avg, packet_loss_pct_avg)
                  values (${org.id}, ${started!.id}, ${gert}, 'citizen', true, 3, 200, 4)`;
    await h.admin`update call_sessions set started_at = '2026-03-20T10:01:00Z' where id = ${started!.id}`;
    await expectEqual('sessions changed');
    const [gone] = await h.admin<{ id: string }[]>`select id from call_sessions where kind = 'ad_hoc' and worker_id = ${kim} and created_at < '2026-03-20T00:00:00Z'`;
    await h.admin`delete from call_participants where session_id = ${gone!.id}`;
    await h.admin`delete from call_sessions where id = ${gone!.id}`;
    await expectEqual('a session deleted');
    // Requests: one answered by a video session whose outcome then changes; Gert's cancelled one claimed after all.
    const [fie17] = await h.admin<{ id: string }[]>`select id from contact_requests where created_at = '2026-03-17T19:00:00Z'`;
    const [video] = await h.admin<{ id: string }[]>`
      insert into call_sessions (organisation_id, worker_id, citizen_id, kind, created_at, started_at, status, ended_at, end_reason, outcome, outcome_by, outcome_at)
      values (${org.id}, ${kim}, ${activity.citizens.fie}, 'citizen_initiated', '2026-03-17T19:06:00Z', '2026-03-17T19:06:00Z', 'ended', '2026-03-17T19:20:00Z', 'ended_by_staff',
              'no_show', ${kim}, '2026-03-17T19:20:00Z') returning id`;
    await h.admin`update contact_requests set call_session_id = ${video!.id} where id = ${fie17!.id}`;
    await expectEqual('a request linked to its session');
    await h.admin`update call_sessions set outcome = 'held' where id = ${video!.id}`;
    await h.admin`update contact_requests set status = 'closed', claimed_by = ${bo}, claimed_at = created_at + interval '30 minutes' where citizen_id = ${gert} and status = 'cancelled'`;
    await expectEqual('requests changed');
    // Another time zone: the months fall elsewhere, the summaries are rebuilt.
    await h.admin`update organisations set time_zone = 'America/New_York' where id = ${org.id}`;
    await expectEqual('New York time');
    await h.admin`update organisations set time_zone = 'Europe/Copenhagen' where id = ${org.id}`;
    await expectEqual('back in Copenhagen');
  });
});
