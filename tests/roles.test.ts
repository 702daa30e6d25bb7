import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../protocol/common.js';
import { useHarness } from './support/use-harness.js';

const { h, org } = useHarness();
const cookies = {} as Record<Role, string>;

async function signIn(): Promise<Record<Role, string>> {
  const signedIn = {
    coordinator: await h.login(org.coordinatorEmail),
    worker: await h.login(org.workerEmail),
    volunteer: await h.login(org.volunteerEmail),
  };
  const link = await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie: signedIn.worker });
  const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(link.json().url).hash.slice(1) } });
  return { ...signedIn, citizen: `naervaer_session=${exchanged.cookies.find((c) => c.name === 'naervaer_session')!.value}` };
}

beforeAll(async () => {
  Object.assign(cookies, await signIn());
});

/** Who may call what. A new route must be added here, so that its roles are a decision, not an accident. */
const EXPECTED: Record<string, Role[] | 'public'> = {
  'GET /api/health': 'public',
  'GET /api/docs': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/citizen-links/exchange': 'public',
  'POST /api/auth/logout': ['citizen', 'worker', 'volunteer', 'coordinator'],
  'GET /api/me': ['citizen', 'worker', 'volunteer', 'coordinator'],
  'POST /api/auth/password': ['worker', 'volunteer', 'coordinator'],
  'GET /api/teams': ['coordinator'],
  'POST /api/teams': ['coordinator'],
  'PATCH /api/teams/:teamId': ['coordinator'],
  'GET /api/users': ['coordinator'],
  'POST /api/users': ['coordinator'],
  'GET /api/users/:userId': ['coordinator'],
  'PATCH /api/users/:userId': ['coordinator'],
  'POST /api/users/:userId/deactivate': ['coordinator'],
  'GET /api/workers/:workerId/caseload': ['coordinator', 'worker'],
  'PUT /api/workers/:workerId/caseload/:citizenId': ['coordinator'],
  'DELETE /api/workers/:workerId/caseload/:citizenId': ['coordinator'],
  'GET /api/citizens/:citizenId/links': ['coordinator', 'worker'],
  'POST /api/citizens/:citizenId/links': ['coordinator', 'worker'],
  'POST /api/citizens/:citizenId/links/send': ['coordinator', 'worker'],
  'POST /api/citizen-links/:linkId/revoke': ['coordinator', 'worker'],
  'GET /api/audit': ['coordinator'],
  'GET /api/colleagues': ['coordinator', 'worker'],
  'POST /api/calls': ['coordinator', 'worker'],
  'GET /api/calls/open': ['citizen', 'worker', 'volunteer', 'coordinator'],
  'POST /api/calls/:callId/token': ['citizen', 'worker', 'volunteer', 'coordinator'],
  'POST /api/calls/:callId/participants': ['coordinator', 'worker'],
  'POST /api/calls/:callId/end': ['coordinator', 'worker'],
  'DELETE /api/calls/:callId/participants/:participantId': ['coordinator', 'worker'],
  'POST /api/calls/:callId/outcome': ['coordinator', 'worker'],
  'POST /api/appointments': ['coordinator', 'worker'],
  'GET /api/appointments': ['coordinator', 'worker'],
  'POST /api/appointments/:appointmentId/cancel': ['coordinator', 'worker'],
  'POST /api/appointments/:appointmentId/reschedule': ['coordinator', 'worker'],
  'POST /api/appointments/:appointmentId/status': ['coordinator', 'worker'],
  'POST /api/change-requests/:requestId/decide': ['coordinator', 'worker'],
  'GET /api/my/appointments': ['citizen'],
  'POST /api/my/appointments/:appointmentId/requests': ['citizen'],
  'DELETE /api/my/appointments/:appointmentId/requests/open': ['citizen'],
  'GET /api/my/appointments/:appointmentId/ics': ['citizen'],
  'GET /api/my/settings': ['citizen'],
  'PUT /api/my/settings': ['citizen'],
  'GET /api/citizens/:citizenId/settings': ['coordinator', 'worker'],
  'PUT /api/citizens/:citizenId/settings': ['coordinator', 'worker'],
  'GET /api/citizens/:citizenId/medication-schedules': ['coordinator', 'worker'],
  'POST /api/citizens/:citizenId/medication-schedules': ['coordinator', 'worker'],
  'POST /api/citizens/:citizenId/medication-schedules/:scheduleId/deactivate': ['coordinator', 'worker'],
  'POST /api/calendar-feeds': ['worker'],
  'GET /api/organisation': ['coordinator'],
  'PATCH /api/organisation': ['coordinator'],
  'POST /api/calendar-feeds/revoke': ['worker'],
  // Reminder join links (issue 7, item 9). The /api/join routes take no sign-in session at all: they read only the
  // narrow session a reminder link is exchanged for (tests/join-link.test.ts checks what it can and cannot reach).
  'POST /api/join/exchange': 'public',
  'GET /api/join': 'public',
  'POST /api/join/token': 'public',
  'GET /api/appointments/:appointmentId/reminder-links': ['coordinator', 'worker'],
  'POST /api/reminder-links/:linkId/revoke': ['coordinator', 'worker'],
  // Lifting a sign-in lockout (issue 7, item 6).
  'POST /api/users/:userId/unlock': ['coordinator'],
  // "Bo er klar" by Web Push (issue 9): the public VAPID key; a citizen's device subscribing or not.
  'GET /api/push/key': 'public',
  'PUT /api/my/push-subscription': ['citizen'],
  'DELETE /api/my/push-subscription': ['citizen'],
  // The crisis plan (issue 10): the citizen's own; staff as crisis_plan_readable_by allows (404 otherwise); volunteers never.
  'GET /api/my/crisis-plan': ['citizen'],
  'POST /api/my/crisis-plan/proposals': ['citizen'],
  'PUT /api/my/crisis-plan/consent': ['citizen'],
  'GET /api/citizens/:citizenId/crisis-plan': ['coordinator', 'worker'],
  'GET /api/citizens/:citizenId/crisis-plan/versions': ['coordinator', 'worker'],
  'PUT /api/citizens/:citizenId/crisis-plan': ['coordinator', 'worker'],
  'POST /api/citizens/:citizenId/crisis-plan/proposals/:proposalId/decide': ['coordinator', 'worker'],
  'GET /api/crisis-plans/review-due': ['worker'],
  // Notes and goals (issue 11): case staff who keep the citizen's case (the store answers 404 to others); the
  // coordinator decides whether citizens read their notes; the citizen reads them and answers after a session.
  'GET /api/citizens/:citizenId/goals': ['coordinator', 'worker'],
  'POST /api/citizens/:citizenId/goals': ['coordinator', 'worker'],
  'PATCH /api/citizens/:citizenId/goals/:goalId': ['coordinator', 'worker'],
  'POST /api/notes': ['coordinator', 'worker'],
  'GET /api/notes/:noteId': ['coordinator', 'worker'],
  'PATCH /api/notes/:noteId': ['coordinator', 'worker'],
  'POST /api/notes/:noteId/finalise': ['coordinator', 'worker'],
  'DELETE /api/notes/:noteId': ['coordinator', 'worker'],
  'GET /api/citizens/:citizenId/notes': ['coordinator', 'worker'],
  'GET /api/citizens/:citizenId/timeline': ['coordinator', 'worker'],
  'GET /api/notes/:noteId/export.pdf': ['coordinator', 'worker'],
  'GET /api/notes/:noteId/export.txt': ['coordinator', 'worker'],
  'GET /api/organisation/notes-settings': ['coordinator'],
  'PUT /api/organisation/notes-settings': ['coordinator'],
  'GET /api/my/notes': ['citizen'],
  'POST /api/my/feedback': ['citizen'],
  // Duty (issue 10): the coordinator plans the roster; case staff answer requests (the store decides which: their
  // citizens', or those a shift of theirs covers now); the citizen asks; volunteers neither.
  'GET /api/duty/settings': ['coordinator'],
  'PATCH /api/duty/settings': ['coordinator'],
  'GET /api/duty/working-hours/:workerId': ['coordinator'],
  'PUT /api/duty/working-hours/:workerId': ['coordinator'],
  'GET /api/duty/teams': ['coordinator'],
  'PUT /api/duty/teams/:teamId': ['coordinator'],
  'GET /api/duty/shifts': ['coordinator'],
  'POST /api/duty/shifts': ['coordinator'],
  'DELETE /api/duty/shifts/:shiftId': ['coordinator'],
  'GET /api/duty/statistics': ['coordinator'],
  'GET /api/duty/me': ['coordinator', 'worker'],
  'GET /api/contact-requests': ['coordinator', 'worker'],
  'GET /api/contact-requests/:requestId': ['coordinator', 'worker'],
  'POST /api/contact-requests/:requestId/claim': ['coordinator', 'worker'],
  'POST /api/contact-requests/:requestId/close': ['coordinator', 'worker'],
  'GET /api/contact-requests/:requestId/messages': ['citizen', 'coordinator', 'worker'],
  'POST /api/contact-requests/:requestId/messages': ['citizen', 'coordinator', 'worker'],
  'POST /api/my/contact-requests': ['citizen'],
  'GET /api/my/contact-requests/current': ['citizen'],
  'POST /api/my/contact-requests/:requestId/cancel': ['citizen'],
  // The morning attendance check and the follow-up after a no-show (issue 11): case staff; the alerts of two no-shows
  // in a row for coordinators; the SMS gateway's webhook is public but signed (tests/attendance.test.ts).
  'GET /api/attendance-checks': ['coordinator', 'worker'],
  'PUT /api/appointments/:appointmentId/attendance-check': ['coordinator', 'worker'],
  'POST /api/sms/incoming': 'public',
  'GET /api/follow-ups': ['coordinator', 'worker'],
  'POST /api/follow-ups/:followUpId/actions': ['coordinator', 'worker'],
  'POST /api/follow-ups/:followUpId/actions/:actionId/done': ['coordinator', 'worker'],
  'POST /api/follow-ups/:followUpId/close': ['coordinator', 'worker'],
  'GET /api/follow-up-alerts': ['coordinator'],
  'POST /api/follow-up-alerts/:alertId/seen': ['coordinator'],
  // Figures: coordinators (any team) and workers (their own work); a citizen's travel distance by the same staff.
  'GET /api/statistics': ['coordinator', 'worker'],
  'GET /api/statistics/export.csv': ['coordinator', 'worker'],
  'GET /api/statistics/export.xlsx': ['coordinator', 'worker'],
  'GET /api/statistics/report.pdf': ['coordinator', 'worker'],
  'GET /api/citizens/:citizenId/travel': ['coordinator', 'worker'],
  'PUT /api/citizens/:citizenId/travel': ['coordinator', 'worker'],
  // Volunteers' own sessions (issue 12): a volunteer keeps their regular times and hosts sessions for their own
  // appointments; the matched citizen books and cancels; staff see device checks and book practice calls.
  'GET /api/my/volunteer-times': ['volunteer'],
  'POST /api/my/volunteer-times': ['volunteer'],
  'DELETE /api/my/volunteer-times/:timeId': ['volunteer'],
  'GET /api/my/volunteer-appointments': ['volunteer'],
  'POST /api/volunteer-calls': ['volunteer'],
  'POST /api/volunteer-calls/:callId/staff-help': ['volunteer'],
  'GET /api/volunteers/:volunteerId/free-times': ['citizen'],
  'GET /api/my/volunteer-free-times': ['citizen'],
  'POST /api/volunteers/:volunteerId/bookings': ['citizen'],
  'GET /api/my/volunteer-bookings': ['citizen'],
  'POST /api/my/volunteer-bookings/:appointmentId/cancel': ['citizen'],
  'POST /api/my/device-checks': ['citizen'],
  'GET /api/device-checks': ['coordinator', 'worker'],
  'POST /api/practice-calls': ['coordinator', 'worker'],
  // Guest links: the citizen invites and approves; the guest has no sign-in (their narrow cookie admits /api/guest only).
  'GET /api/my/guest-invitations': ['citizen'],
  'POST /api/my/guest-invitations': ['citizen'],
  'POST /api/my/guest-invitations/:invitationId/approve': ['citizen'],
  'POST /api/my/guest-invitations/:invitationId/revoke': ['citizen'],
  'POST /api/guest/exchange': 'public',
  'GET /api/guest': 'public',
  'POST /api/guest/token': 'public',
  // Volunteers (issue 12): the coordinator keeps profiles and reads hours; case staff propose (their caseload's
  // citizens) and follow up (their own volunteers); the citizen answers and asks; the volunteer sees their own home.
  'GET /api/volunteers': ['coordinator', 'worker'],
  'PUT /api/volunteers/:volunteerId/profile': ['coordinator'],
  'GET /api/volunteers/:volunteerId/follow-up': ['coordinator', 'worker'],
  'POST /api/volunteers/:volunteerId/supervision-notes': ['coordinator', 'worker'],
  'GET /api/volunteers/hours': ['coordinator'],
  'GET /api/volunteers/hours.csv': ['coordinator'],
  'GET /api/citizens/:citizenId/volunteers': ['coordinator', 'worker'],
  'POST /api/citizens/:citizenId/volunteers': ['coordinator', 'worker'],
  'POST /api/volunteer-matches/:matchId/end': ['coordinator', 'worker'],
  'GET /api/volunteer-wishes': ['coordinator', 'worker'],
  'GET /api/my/volunteers': ['citizen'],
  'POST /api/my/volunteers/:matchId/decide': ['citizen'],
  'POST /api/my/volunteers/:matchId/end': ['citizen'],
  'POST /api/my/volunteer-wishes': ['citizen'],
  'GET /api/my/volunteering': ['volunteer'],
  'POST /api/my/volunteering/:matchId/end': ['volunteer'],
};

/**
 * What an allowed role gets from each route with the requests below (ids that do not exist, no body): proof that the
 * role check let it through to the route's own checks, and that those answer properly — a 500 is never right.
 * 400 is `validation` (a required body is missing) and 404 is `not_found`.
 */
const REACHED: Record<string, number> = {
  'POST /api/auth/logout': 204,
  'GET /api/me': 200,
  'POST /api/auth/password': 400,
  'GET /api/teams': 200,
  'POST /api/teams': 400,
  'PATCH /api/teams/:teamId': 400,
  'GET /api/users': 200,
  'POST /api/users': 400,
  'GET /api/users/:userId': 404,
  'PATCH /api/users/:userId': 400,
  'POST /api/users/:userId/deactivate': 404,
  'POST /api/users/:userId/unlock': 404,
  'GET /api/workers/:workerId/caseload': 200,
  'PUT /api/workers/:workerId/caseload/:citizenId': 404,
  'DELETE /api/workers/:workerId/caseload/:citizenId': 404,
  'GET /api/citizens/:citizenId/links': 404,
  'POST /api/citizens/:citizenId/links': 404,
  'POST /api/citizens/:citizenId/links/send': 400,
  'POST /api/citizen-links/:linkId/revoke': 404,
  'GET /api/audit': 200,
  'GET /api/colleagues': 200,
  'POST /api/calls': 400,
  'GET /api/calls/open': 200,
  'POST /api/calls/:callId/token': 404,
  'POST /api/calls/:callId/participants': 400,
  'POST /api/calls/:callId/end': 404,
  'DELETE /api/calls/:callId/participants/:participantId': 404,
  'POST /api/calls/:callId/outcome': 400,
  'POST /api/appointments': 400,
  'GET /api/appointments': 400,
  'POST /api/appointments/:appointmentId/cancel': 400,
  'POST /api/appointments/:appointmentId/reschedule': 400,
  'POST /api/appointments/:appointmentId/status': 400,
  'POST /api/change-requests/:requestId/decide': 400,
  'GET /api/appointments/:appointmentId/reminder-links': 404,
  'POST /api/reminder-links/:linkId/revoke': 404,
  'GET /api/my/appointments': 200,
  'POST /api/my/appointments/:appointmentId/requests': 400,
  'DELETE /api/my/appointments/:appointmentId/requests/open': 404,
  'GET /api/my/appointments/:appointmentId/ics': 404,
  'GET /api/my/settings': 200,
  'PUT /api/my/settings': 400,
  'GET /api/citizens/:citizenId/settings': 404,
  'PUT /api/citizens/:citizenId/settings': 400,
  'GET /api/citizens/:citizenId/medication-schedules': 404,
  'POST /api/citizens/:citizenId/medication-schedules': 400,
  'POST /api/citizens/:citizenId/medication-schedules/:scheduleId/deactivate': 404,
  'POST /api/calendar-feeds': 201,
  'POST /api/calendar-feeds/revoke': 204,
  'GET /api/organisation': 200,
  'PATCH /api/organisation': 400,
  'PUT /api/my/push-subscription': 400,
  'DELETE /api/my/push-subscription': 400,
  'GET /api/my/crisis-plan': 200,
  'POST /api/my/crisis-plan/proposals': 400,
  'PUT /api/my/crisis-plan/consent': 400,
  'GET /api/citizens/:citizenId/crisis-plan': 404,
  'GET /api/citizens/:citizenId/crisis-plan/versions': 404,
  'PUT /api/citizens/:citizenId/crisis-plan': 400,
  'POST /api/citizens/:citizenId/crisis-plan/proposals/:proposalId/decide': 400,
  'GET /api/crisis-plans/review-due': 200,
  'GET /api/citizens/:citizenId/goals': 404,
  'POST /api/citizens/:citizenId/goals': 400,
  'PATCH /api/citizens/:citizenId/goals/:goalId': 400,
  'POST /api/notes': 400,
  'GET /api/notes/:noteId': 404,
  'PATCH /api/notes/:noteId': 400,
  'POST /api/notes/:noteId/finalise': 404,
  'DELETE /api/notes/:noteId': 404,
  'GET /api/citizens/:citizenId/notes': 404,
  'GET /api/citizens/:citizenId/timeline': 404,
  'GET /api/notes/:noteId/export.pdf': 404,
  'GET /api/notes/:noteId/export.txt': 404,
  'GET /api/organisation/notes-settings': 200,
  'PUT /api/organisation/notes-settings': 400,
  'GET /api/my/notes': 200,
  'POST /api/my/feedback': 400,
  'GET /api/duty/settings': 200,
  'PATCH /api/duty/settings': 400,
  'GET /api/duty/working-hours/:workerId': 200,
  'PUT /api/duty/working-hours/:workerId': 400,
  'GET /api/duty/teams': 200,
  'PUT /api/duty/teams/:teamId': 400,
  'GET /api/duty/shifts': 400,
  'POST /api/duty/shifts': 400,
  'DELETE /api/duty/shifts/:shiftId': 404,
  'GET /api/duty/statistics': 400,
  'GET /api/duty/me': 200,
  'GET /api/contact-requests': 200,
  'GET /api/contact-requests/:requestId': 404,
  'POST /api/contact-requests/:requestId/claim': 404,
  'POST /api/contact-requests/:requestId/close': 404,
  'GET /api/contact-requests/:requestId/messages': 404,
  'POST /api/contact-requests/:requestId/messages': 400,
  'POST /api/my/contact-requests': 400,
  'GET /api/my/contact-requests/current': 200,
  'POST /api/my/contact-requests/:requestId/cancel': 404,
  'GET /api/attendance-checks': 400,
  'PUT /api/appointments/:appointmentId/attendance-check': 400,
  'GET /api/follow-ups': 200,
  'POST /api/follow-ups/:followUpId/actions': 400,
  'POST /api/follow-ups/:followUpId/actions/:actionId/done': 404,
  'POST /api/follow-ups/:followUpId/close': 400,
  'GET /api/follow-up-alerts': 200,
  'POST /api/follow-up-alerts/:alertId/seen': 404,
  'GET /api/statistics': 400,
  'GET /api/statistics/export.csv': 400,
  'GET /api/statistics/export.xlsx': 400,
  'GET /api/statistics/report.pdf': 400,
  'GET /api/citizens/:citizenId/travel': 404,
  'PUT /api/citizens/:citizenId/travel': 400,
  'GET /api/my/volunteer-times': 200,
  'POST /api/my/volunteer-times': 400,
  'DELETE /api/my/volunteer-times/:timeId': 404,
  'GET /api/my/volunteer-appointments': 200,
  'POST /api/volunteer-calls': 400,
  'POST /api/volunteer-calls/:callId/staff-help': 404,
  'GET /api/volunteers/:volunteerId/free-times': 404,
  'GET /api/my/volunteer-free-times': 200,
  'POST /api/volunteers/:volunteerId/bookings': 400,
  'GET /api/my/volunteer-bookings': 200,
  'POST /api/my/volunteer-bookings/:appointmentId/cancel': 404,
  'POST /api/my/device-checks': 400,
  'GET /api/device-checks': 200,
  'POST /api/practice-calls': 400,
  'GET /api/my/guest-invitations': 200,
  'POST /api/my/guest-invitations': 400,
  'POST /api/my/guest-invitations/:invitationId/approve': 404,
  'POST /api/my/guest-invitations/:invitationId/revoke': 404,
  'GET /api/volunteers': 200,
  'PUT /api/volunteers/:volunteerId/profile': 400,
  'GET /api/volunteers/:volunteerId/follow-up': 404,
  'POST /api/volunteers/:volunteerId/supervision-notes': 400,
  'GET /api/volunteers/hours': 400,
  'GET /api/volunteers/hours.csv': 400,
  'GET /api/citizens/:citizenId/volunteers': 404,
  'POST /api/citizens/:citizenId/volunteers': 400,
  'POST /api/volunteer-matches/:matchId/end': 404,
  'GET /api/volunteer-wishes': 200,
  'GET /api/my/volunteers': 200,
  'POST /api/my/volunteers/:matchId/decide': 400,
  'POST /api/my/volunteers/:matchId/end': 404,
  'POST /api/my/volunteer-wishes': 400,
  'GET /api/my/volunteering': 200,
  'POST /api/my/volunteering/:matchId/end': 404,
};
const ERROR_CODE: Record<number, string> = { 400: 'validation', 404: 'not_found' };

const ROLES: Role[] = ['citizen', 'worker', 'volunteer', 'coordinator'];

describe('role checks on every route', () => {
  it('every API route is in the table above with the roles it declares', () => {
    const actual = Object.fromEntries(h.app.apiRoutes.map((r) => [`${r.method} ${r.url}`, r.roles ? [...r.roles].sort() : 'public']));
    const expected = Object.fromEntries(Object.entries(EXPECTED).map(([k, v]) => [k, v === 'public' ? v : [...v].sort()]));
    expect(actual).toEqual(expected);
    // …and every route that checks roles says what an allowed role gets from it.
    const withRoles = Object.entries(EXPECTED).filter(([, roles]) => roles !== 'public').map(([route]) => route).sort();
    expect(Object.keys(REACHED).sort()).toEqual(withRoles);
  });

  const fill = (url: string) =>
    url
      .replace(':teamId', '5f0c3c2e-0000-4000-8000-000000000001')
      .replace(':userId', '5f0c3c2e-0000-4000-8000-000000000002')
      .replace(':workerId', org.workerId)
      .replace(':citizenId', '5f0c3c2e-0000-4000-8000-000000000004')
      .replace(':linkId', '5f0c3c2e-0000-4000-8000-000000000005')
      .replace(':callId', '5f0c3c2e-0000-4000-8000-000000000006')
      .replace(':appointmentId', '5f0c3c2e-0000-4000-8000-000000000007')
      .replace(':requestId', '5f0c3c2e-0000-4000-8000-000000000008')
      .replace(':scheduleId', '5f0c3c2e-0000-4000-8000-000000000009')
      .replace(':participantId', '5f0c3c2e-0000-4000-8000-00000000000a')
      .replace(/:\w+/g, '5f0c3c2e-0000-4000-8000-00000000000f');

  for (const [route, allowed] of Object.entries(EXPECTED)) {
    if (allowed === 'public') continue;
    const [method, url] = route.split(' ') as [string, string];
    it(`${route}: 401 without a session, 403 for ${ROLES.filter((r) => !allowed.includes(r)).join(', ') || 'nobody'}`, async () => {
      // logging out ends the session, so that route gets sessions of its own
      const sessions = route === 'POST /api/auth/logout' ? await signIn() : cookies;
      const anonymous = await h.request(method, fill(url));
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.code).toBe('unauthorized');
      for (const role of ROLES) {
        const response = await h.request(method, fill(url), { cookie: sessions[role] });
        if (allowed.includes(role)) {
          expect(response.statusCode, role).toBe(REACHED[route]);
          if (response.statusCode >= 400) expect(response.json(), role).toEqual({ error: { code: ERROR_CODE[response.statusCode], message: expect.any(String) } });
        } else {
          expect(response.statusCode, role).toBe(403);
          expect(response.json().error.code).toBe('forbidden');
        }
      }
    });
  }
});

describe('audit log', () => {
  it('lets a coordinator read who touched a citizen', async () => {
    const response = await h.request('GET', `/api/audit?subjectId=${org.citizenId}`, { cookie: cookies.coordinator });
    expect(response.statusCode).toBe(200);
    const events = response.json() as { action: string; actorId: string; subjectId: string }[];
    expect(events.some((e) => e.action === 'citizen_link.create' && e.actorId === org.workerId)).toBe(true);
    expect(events.every((e) => e.subjectId === org.citizenId)).toBe(true);
  });
});
