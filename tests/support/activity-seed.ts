/**
 * A fixed six months of activity (October 2025 – March 2026, Europe/Copenhagen) for two teams, from which
 * tests/statistics.test.ts counts its expected figures by hand. Every row is written out below, nothing is random, so
 * a reader can count along. Both daylight-saving changes fall inside (26 October 2025 back, 29 March 2026 forward),
 * and contacts sit at 00:30 local on the 1st of a month (still the month before in UTC) and at 23:30 local on a
 * month's last day.
 *
 * Team Nord: Bo (the harness's worker) with Carl (12.5 km, 20 min from the base) and Erik (30 km, 40 min).
 * Team Syd:  Kim with Fie (no distance set) and Gert (8 km, 15 min).
 */
import type { Sql } from 'postgres';
import { PASSWORD, type Org } from './harness.js';
import { upsertUser } from '../../server/people/store.js';
import { fromLocal } from '../../server/time.js';

export const SEED_ZONE = 'Europe/Copenhagen';

type Staff = 'bo' | 'kim';
type Citizen = 'carl' | 'erik' | 'fie' | 'gert';
type Way = 'video' | 'phone' | 'home_visit' | 'chat';
type Status = 'booked' | 'cancelled' | 'held' | 'no_show' | 'technical_failure';

/** [worker, citizen, local start, way, status]: 30 minutes each. */
const APPOINTMENTS: [Staff, Citizen, string, Way, Status][] = [
  // October 2025
  ['bo', 'carl', '2025-10-01T00:30', 'video', 'held'], // 2025-09-30T22:30Z: October locally, September in UTC
  ['kim', 'gert', '2025-10-15T11:00', 'video', 'held'],
  ['bo', 'carl', '2025-10-26T10:00', 'video', 'held'], // the day the clocks go back
  ['bo', 'erik', '2025-10-31T23:30', 'phone', 'held'],
  // November 2025
  ['kim', 'fie', '2025-11-01T00:30', 'video', 'no_show'], // 2025-10-31T23:30Z
  ['bo', 'carl', '2025-11-10T10:00', 'home_visit', 'held'],
  // December 2025
  ['bo', 'erik', '2025-12-01T00:30', 'video', 'held'], // 2025-11-30T23:30Z
  ['kim', 'gert', '2025-12-31T23:30', 'phone', 'held'],
  // January 2026
  ['bo', 'carl', '2026-01-01T00:30', 'video', 'held'], // 2025-12-31T23:30Z: even another year in UTC
  ['bo', 'erik', '2026-01-15T10:00', 'video', 'technical_failure'],
  ['kim', 'fie', '2026-01-20T11:00', 'chat', 'held'],
  // February 2026
  ['bo', 'carl', '2026-02-02T10:00', 'video', 'held'],
  ['bo', 'carl', '2026-02-03T10:00', 'home_visit', 'held'],
  ['bo', 'erik', '2026-02-04T10:00', 'home_visit', 'held'],
  ['bo', 'erik', '2026-02-05T10:00', 'video', 'no_show'],
  ['bo', 'carl', '2026-02-28T23:30', 'phone', 'held'],
  ['kim', 'fie', '2026-02-02T11:00', 'video', 'held'],
  ['kim', 'gert', '2026-02-03T11:00', 'home_visit', 'held'],
  // March 2026
  ['bo', 'carl', '2026-03-01T00:30', 'video', 'held'], // 2026-02-28T23:30Z
  ['bo', 'carl', '2026-03-02T10:00', 'video', 'held'], // has a session (below)
  ['bo', 'carl', '2026-03-03T10:00', 'phone', 'held'],
  ['bo', 'erik', '2026-03-04T10:00', 'video', 'held'],
  ['bo', 'erik', '2026-03-05T10:00', 'video', 'no_show'],
  ['bo', 'erik', '2026-03-06T10:00', 'home_visit', 'held'],
  ['bo', 'carl', '2026-03-10T10:00', 'video', 'cancelled'],
  ['bo', 'erik', '2026-03-11T10:00', 'video', 'technical_failure'],
  ['bo', 'carl', '2026-03-29T10:00', 'video', 'held'], // the day the clocks go forward
  ['bo', 'carl', '2026-03-31T23:30', 'video', 'held'],
  ['kim', 'fie', '2026-03-02T11:00', 'video', 'held'], // has a session (below)
  ['kim', 'fie', '2026-03-03T11:00', 'home_visit', 'held'],
  ['kim', 'gert', '2026-03-04T11:00', 'phone', 'held'],
  ['kim', 'gert', '2026-03-05T11:00', 'video', 'booked'],
];

/** A participant's quality summary: [rtt ms, loss %, switched to audio only]. */
type Quality = [number, number, boolean];
/** Video sessions: [worker, citizen, local start, ad hoc or the appointment at that start, worker's quality, citizen's quality]. */
const SESSIONS: [Staff, Citizen, string, 'ad_hoc' | 'appointment', Quality, Quality][] = [
  ['bo', 'carl', '2026-03-02T10:00', 'appointment', [50, 1.0, false], [70, 2.0, false]],
  ['kim', 'fie', '2026-03-02T11:00', 'appointment', [60, 0.2, false], [100, 2.5, true]],
  ['bo', 'carl', '2026-03-12T09:00', 'ad_hoc', [40, 0.5, false], [80, 1.5, true]],
  ['kim', 'fie', '2026-03-13T09:00', 'ad_hoc', [30, 0.0, false], [120, 3.0, false]],
];

/** Citizens' requests: [citizen, local time, way, own worker, claimed by (null: cancelled), minutes to the claim]. */
const REQUESTS: [Citizen, string, 'video' | 'phone' | 'chat', Staff, Staff | null, number][] = [
  ['fie', '2026-02-10T20:00', 'chat', 'kim', 'kim', 12],
  ['carl', '2026-03-15T20:00', 'phone', 'bo', 'bo', 4],
  ['erik', '2026-03-16T20:00', 'chat', 'bo', 'bo', 10],
  ['fie', '2026-03-17T20:00', 'video', 'kim', 'kim', 6],
  ['gert', '2026-03-18T20:00', 'phone', 'kim', null, 0],
  ['carl', '2026-03-19T20:00', 'phone', 'bo', 'kim', 20], // answered by the other team's Kim on duty
];

/** The citizens' faces after a session: [citizen, local time, mood]. */
const FEEDBACK: [Citizen, string, 'good' | 'ok' | 'bad'][] = [
  ['fie', '2026-02-02T11:40', 'ok'],
  ['carl', '2026-03-01T00:59', 'good'], // 2026-02-28T23:59Z
  ['carl', '2026-03-02T10:40', 'good'],
  ['erik', '2026-03-04T10:40', 'good'],
  ['fie', '2026-03-02T11:40', 'good'],
  ['gert', '2026-03-04T11:40', 'good'],
  ['carl', '2026-03-29T10:40', 'bad'],
];

export interface Activity {
  teams: { nord: string; syd: string };
  staff: Record<Staff, string>;
  kimEmail: string;
  citizens: Record<Citizen, string>;
}

const at = (local: string): Date => {
  const instant = fromLocal(local, SEED_ZONE);
  if (!instant) throw new Error(`${local} does not exist in ${SEED_ZONE}`);
  return instant;
};

/** Writes the six months into the organisation through the schema owner's connection (the rows, not the routes). */
export async function seedActivity(admin: Sql, org: Org): Promise<Activity> {
  const team = async (name: string) => (await admin<{ id: string }[]>`insert into teams (organisation_id, name) values (${org.id}, ${name}) returning id`)[0]!.id;
  const teams = { nord: await team('Team Nord'), syd: await team('Team Syd') };
  const kimEmail = `kim-${org.id.slice(0, 8)}@test.naervaer.dk`;
  const staff: Record<Staff, string> = {
    bo: org.workerId,
    kim: await upsertUser(admin, { organisationId: org.id, role: 'worker', displayName: 'Kim Kollega', email: kimEmail, password: PASSWORD }),
  };
  await admin`update users set team_id = ${teams.nord} where id = ${staff.bo}`;
  await admin`update users set team_id = ${teams.syd} where id = ${staff.kim}`;
  const citizen = (displayName: string) => upsertUser(admin, { organisationId: org.id, role: 'citizen', displayName });
  const citizens: Record<Citizen, string> = { carl: org.citizenId, erik: await citizen('Erik Borger'), fie: await citizen('Fie Borger'), gert: await citizen('Gert Borger') };
  for (const [worker, c] of [['bo', 'erik'], ['kim', 'fie'], ['kim', 'gert']] as const) {
    await admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${staff[worker]}, ${citizens[c]})`;
  }
  await admin`update users set travel_km = 12.5, travel_minutes = 20 where id = ${citizens.carl}`;
  await admin`update users set travel_km = 30, travel_minutes = 40 where id = ${citizens.erik}`;
  await admin`update users set travel_km = 8, travel_minutes = 15 where id = ${citizens.gert}`;

  const appointmentAt = new Map<string, string>();
  for (const [worker, c, local, way, status] of APPOINTMENTS) {
    const start = at(local);
    const [row] = await admin<{ id: string }[]>`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, status, created_by)
      values (${org.id}, ${staff[worker]}, ${citizens[c]}, ${start}, ${new Date(start.getTime() + 30 * 60_000)}, ${way}, ${status}, ${staff[worker]})
      returning id`;
    appointmentAt.set(`${worker} ${local}`, row!.id);
  }

  for (const [worker, c, local, kind, workerQuality, citizenQuality] of SESSIONS) {
    const start = at(local);
    const end = new Date(start.getTime() + 20 * 60_000);
    const [session] = await admin<{ id: string }[]>`
      insert into call_sessions (organisation_id, worker_id, citizen_id, kind, status, created_at, started_at, ended_at, end_reason,
                                 appointment_id, outcome, outcome_by, outcome_at)
      values (${org.id}, ${staff[worker]}, ${citizens[c]}, ${kind === 'ad_hoc' ? 'ad_hoc' : 'planned'}, 'ended', ${start}, ${start}, ${end}, 'ended_by_staff',
              ${kind === 'ad_hoc' ? null : appointmentAt.get(`${worker} ${local}`)!}, 'held', ${staff[worker]}, ${end})
      returning id`;
    for (const [userId, role, [rtt, loss, audioOnly]] of [[staff[worker], 'worker', workerQuality], [citizens[c], 'citizen', citizenQuality]] as const) {
      await admin`
        insert into call_participants (organisation_id, session_id, user_id, role, admitted_at, audio_only_used, quality_samples, rtt_ms_avg, packet_loss_pct_avg)
        values (${org.id}, ${session!.id}, ${userId}, ${role}, ${start}, ${audioOnly}, 10, ${rtt}, ${loss})`;
    }
  }

  for (const [c, local, way, own, claimer, minutes] of REQUESTS) {
    const created = at(local);
    const claimed = claimer ? new Date(created.getTime() + minutes * 60_000) : null;
    await admin`
      insert into contact_requests (organisation_id, citizen_id, way, status, answerer, own_worker_id, answer_by, claimed_by, claimed_at, ended_at, created_at)
      values (${org.id}, ${citizens[c]}, ${way}, ${claimer ? 'closed' : 'cancelled'}, 'own_worker', ${staff[own]}, ${new Date(created.getTime() + 10 * 60_000)},
              ${claimer ? staff[claimer] : null}, ${claimed}, ${new Date(created.getTime() + 30 * 60_000)}, ${created})`;
  }
  for (const [c, local, mood] of FEEDBACK) {
    await admin`insert into citizen_feedback (organisation_id, citizen_id, mood, created_at) values (${org.id}, ${citizens[c]}, ${mood}, ${at(local)})`;
  }
  return { teams, staff, kimEmail, citizens };
}
