/**
 * Volunteers over HTTP (issue 12): profiles by the coordinator only; a worker proposes, the citizen accepts or declines;
 * either side ends it; the citizen's wishes; supervision notes by the contact person; hours and contacts per month
 * (figures worked out by hand below) and their CSV. Plus: a volunteer's own routes still work now that their
 * transactions run as naervaer_volunteer.
 */
import { describe, expect, it } from 'vitest';
import type { MyVolunteering, MyVolunteers, VolunteerFollowUp, VolunteerHoursRow, VolunteerProfile, VolunteerProfileBody } from '../protocol/volunteers.js';
import { PASSWORD } from './support/harness.js';
import { useHarness } from './support/use-harness.js';

const { h, org, cookies } = useHarness({ signIn: ['coordinator', 'worker', 'volunteer'] });

const profileBody = (over: Partial<VolunteerProfileBody> = {}): VolunteerProfileBody => ({
  kind: 'it_helper', chosenName: 'Mona', presentation: 'Jeg hjælper gerne med telefon og video.', languages: ['da', 'en'],
  taskDescription: 'Hjælper med at komme i gang med video. Ikke rådgivning.', contactPersonId: org.workerId,
  activeFrom: '2026-01-01', activeUntil: null, ...over,
});

async function citizenCookie(citizenId: string): Promise<string> {
  const link = await h.request('POST', `/api/citizens/${citizenId}/links`, { cookie: cookies.coordinator });
  const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(link.json().url).hash.slice(1) } });
  return `naervaer_session=${exchanged.cookies.find((c) => c.name === 'naervaer_session')!.value}`;
}

/** A new volunteer user through the existing people route, and their profile. */
async function newVolunteer(displayName: string, over: Partial<VolunteerProfileBody> = {}): Promise<{ id: string; email: string }> {
  const email = `${displayName.toLowerCase().replace(/[^a-z]/g, '')}-${Math.random().toString(36).slice(2, 8)}@frivillig.dk`;
  const created = await h.request('POST', '/api/users', { cookie: cookies.coordinator, body: { role: 'volunteer', displayName, email, password: PASSWORD } });
  expect(created.statusCode).toBe(201);
  const id = created.json().id as string;
  const saved = await h.request('PUT', `/api/volunteers/${id}/profile`, { cookie: cookies.coordinator, body: profileBody(over) });
  expect(saved.statusCode).toBe(200);
  return { id, email };
}

describe('profiles', () => {
  it('the coordinator creates and edits a volunteer; workers read the list; nobody else writes', async () => {
    const created = await h.request('POST', '/api/users', { cookie: cookies.coordinator, body: { role: 'volunteer', displayName: 'Mona Hansen', email: 'mona@frivillig.dk', password: PASSWORD } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;

    const saved = await h.request('PUT', `/api/volunteers/${id}/profile`, { cookie: cookies.coordinator, body: profileBody() });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ volunteerId: id, displayName: 'Mona Hansen', chosenName: 'Mona', kind: 'it_helper', contactPersonName: 'Bo Bostøtte', current: true, activeMatches: 0 });

    const edited = await h.request('PUT', `/api/volunteers/${id}/profile`, { cookie: cookies.coordinator, body: profileBody({ chosenName: 'Mo', kind: 'peer', activeUntil: '2030-12-31' }) });
    expect(edited.json()).toMatchObject({ chosenName: 'Mo', kind: 'peer', activeUntil: '2030-12-31' });
    const [row] = await h.admin`select chosen_name, kind from volunteer_profiles where volunteer_id = ${id}`;
    expect(row).toEqual({ chosen_name: 'Mo', kind: 'peer' });

    const list = await h.request('GET', '/api/volunteers', { cookie: cookies.worker });
    expect(list.statusCode).toBe(200);
    expect((list.json() as VolunteerProfile[]).map((v) => v.chosenName)).toContain('Mo');

    for (const cookie of [cookies.worker, cookies.volunteer]) {
      const refused = await h.request('PUT', `/api/volunteers/${id}/profile`, { cookie, body: profileBody({ chosenName: 'X' }) });
      expect(refused.statusCode).toBe(403);
    }
    expect((await h.request('GET', '/api/volunteers', { cookie: cookies.volunteer })).statusCode).toBe(403);
    const [unchanged] = await h.admin`select chosen_name from volunteer_profiles where volunteer_id = ${id}`;
    expect(unchanged!.chosen_name).toBe('Mo');
  });

  it('refuses a bad profile and changes nothing', async () => {
    const { id } = await newVolunteer('Ole Olsen', { chosenName: 'Ole' });
    const cases: [Partial<VolunteerProfileBody>, number][] = [
      [{ chosenName: '   ' }, 400],
      [{ contactPersonId: org.citizenId }, 400], // a citizen is no contact person
      [{ activeFrom: '2026-05-01', activeUntil: '2026-04-01' }, 400],
      [{ languages: [] }, 400],
    ];
    for (const [over, status] of cases) {
      const response = await h.request('PUT', `/api/volunteers/${id}/profile`, { cookie: cookies.coordinator, body: profileBody({ chosenName: 'Ole', ...over }) });
      expect(response.statusCode, JSON.stringify(over)).toBe(status);
    }
    const notAVolunteer = await h.request('PUT', `/api/volunteers/${org.workerId}/profile`, { cookie: cookies.coordinator, body: profileBody() });
    expect(notAVolunteer.statusCode).toBe(404);
    const [row] = await h.admin`select chosen_name, contact_person_id from volunteer_profiles where volunteer_id = ${id}`;
    expect(row).toEqual({ chosen_name: 'Ole', contact_person_id: org.workerId });
  });
});

describe('matching with the citizen’s consent', () => {
  it('worker proposes; the citizen sees only the chosen name and accepts; the volunteer then sees the citizen', async () => {
    const volunteer = await newVolunteer('Ida Isaksen', { chosenName: 'Ida' });
    const volunteerCookie = await h.login(volunteer.email);
    const citizen = await citizenCookie(org.citizenId);

    const outside = await h.request('POST', `/api/citizens/${org.otherCitizenId}/volunteers`, { cookie: cookies.worker, body: { volunteerId: volunteer.id } });
    expect(outside.statusCode).toBe(404); // not in the worker's caseload
    const proposed = await h.request('POST', `/api/citizens/${org.citizenId}/volunteers`, { cookie: cookies.worker, body: { volunteerId: volunteer.id } });
    expect(proposed.statusCode).toBe(201);
    const again = await h.request('POST', `/api/citizens/${org.citizenId}/volunteers`, { cookie: cookies.worker, body: { volunteerId: volunteer.id } });
    expect(again.statusCode).toBe(409);
    const [audited] = await h.admin`select count(*)::int as n from audit_events where action = 'citizen.volunteer_propose' and subject_id = ${org.citizenId}`;
    expect(audited!.n).toBe(1);

    // Before the citizen answers, the volunteer sees nothing of them.
    expect(((await h.request('GET', '/api/my/volunteering', { cookie: volunteerCookie })).json() as MyVolunteering).matches).toEqual([]);

    const home = await h.request('GET', '/api/my/volunteers', { cookie: citizen });
    const mine = home.json() as MyVolunteers;
    expect(mine.proposals).toEqual([{ matchId: expect.any(String), chosenName: 'Ida', kind: 'it_helper', presentation: expect.any(String), languages: ['da', 'en'] }]);
    expect(home.body).not.toContain('Isaksen');
    expect(home.body).not.toContain('@');

    const accepted = await h.request('POST', `/api/my/volunteers/${mine.proposals[0]!.matchId}/decide`, { cookie: citizen, body: { accept: true } });
    expect(accepted.statusCode).toBe(200);
    expect((accepted.json() as MyVolunteers).active.map((v) => v.chosenName)).toEqual(['Ida']);
    const twice = await h.request('POST', `/api/my/volunteers/${mine.proposals[0]!.matchId}/decide`, { cookie: citizen, body: { accept: false } });
    expect(twice.statusCode).toBe(409);

    const volunteering = (await h.request('GET', '/api/my/volunteering', { cookie: volunteerCookie })).json() as MyVolunteering;
    expect(volunteering.matches.map((m) => m.citizenName)).toEqual(['Carl']); // the first name only: a volunteer is not staff
    expect(volunteering.contactPersonName).toBe('Bo Bostøtte');
    expect(volunteering.profile?.taskDescription).toContain('Ikke rådgivning');

    // The citizen ends it: they see that Ida is no longer their volunteer; the volunteer sees only that it ended.
    const ended = await h.request('POST', `/api/my/volunteers/${mine.proposals[0]!.matchId}/end`, { cookie: citizen });
    expect((ended.json() as MyVolunteers).ended.map((e) => e.chosenName)).toEqual(['Ida']);
    const after = (await h.request('GET', '/api/my/volunteering', { cookie: volunteerCookie })).json() as MyVolunteering;
    expect(after.matches).toEqual([]);
    expect(after.ended).toEqual([{ matchId: mine.proposals[0]!.matchId, endedAt: expect.any(String) }]);
    expect(JSON.stringify(after)).not.toContain('Carl');
  });

  it('the citizen declines: nothing reaches the volunteer; a volunteer or a worker may end an active match', async () => {
    const a = await newVolunteer('Kim Kristensen', { chosenName: 'Kim', kind: 'peer' });
    const b = await newVolunteer('Lis Larsen', { chosenName: 'Lis', kind: 'peer' });
    const citizen = await citizenCookie(org.citizenId);
    for (const v of [a, b]) {
      expect((await h.request('POST', `/api/citizens/${org.citizenId}/volunteers`, { cookie: cookies.worker, body: { volunteerId: v.id } })).statusCode).toBe(201);
    }
    const mine = (await h.request('GET', '/api/my/volunteers', { cookie: citizen })).json() as MyVolunteers;
    const kim = mine.proposals.find((p) => p.chosenName === 'Kim')!;
    const lis = mine.proposals.find((p) => p.chosenName === 'Lis')!;
    const declined = await h.request('POST', `/api/my/volunteers/${kim.matchId}/decide`, { cookie: citizen, body: { accept: false } });
    expect((declined.json() as MyVolunteers).proposals.map((p) => p.chosenName)).toEqual(['Lis']);
    // A declined proposal was never a match: nothing to say about it (Ida, from the test before, did end).
    expect((declined.json() as MyVolunteers).ended.map((e) => e.chosenName)).not.toContain('Kim');
    const kimCookie = await h.login(a.email);
    expect(((await h.request('GET', '/api/my/volunteering', { cookie: kimCookie })).json() as MyVolunteering)).toMatchObject({ matches: [], ended: [] });

    await h.request('POST', `/api/my/volunteers/${lis.matchId}/decide`, { cookie: citizen, body: { accept: true } });
    const lisCookie = await h.login(b.email);
    const someoneElses = await h.request('POST', `/api/my/volunteering/${lis.matchId}/end`, { cookie: kimCookie });
    expect(someoneElses.statusCode).toBe(404);
    const byVolunteer = await h.request('POST', `/api/my/volunteering/${lis.matchId}/end`, { cookie: lisCookie });
    expect(byVolunteer.statusCode).toBe(200);
    const [row] = await h.admin`select status, ended_by from volunteer_matches where id = ${lis.matchId}`;
    expect(row).toEqual({ status: 'ended', ended_by: b.id });
    // The citizen is told she is no longer their volunteer, never why.
    const told = (await h.request('GET', '/api/my/volunteers', { cookie: citizen })).json() as MyVolunteers;
    expect(told.ended.map((e) => e.chosenName)).toContain('Lis');
    expect(Object.keys(told.ended[0]!).sort()).toEqual(['chosenName', 'endedAt', 'matchId']);

    // A worker ends an active match of a citizen in their caseload.
    const again = await h.request('POST', `/api/citizens/${org.citizenId}/volunteers`, { cookie: cookies.worker, body: { volunteerId: a.id } });
    const match = (again.json() as { matches: { id: string; volunteerId: string; status: string }[] }).matches.find((m) => m.volunteerId === a.id && m.status === 'proposed')!;
    await h.request('POST', `/api/my/volunteers/${match.id}/decide`, { cookie: citizen, body: { accept: true } });
    expect((await h.request('POST', `/api/volunteer-matches/${match.id}/end`, { cookie: cookies.worker })).statusCode).toBe(204);
    expect((await h.request('POST', `/api/volunteer-matches/${match.id}/end`, { cookie: cookies.worker })).statusCode).toBe(409);
  });

  it('the citizen asks for a volunteer; their worker sees the wish, and proposing one of that kind answers it', async () => {
    const citizen = await citizenCookie(org.citizenId);
    const asked = await h.request('POST', '/api/my/volunteer-wishes', { cookie: citizen, body: { kind: 'it_helper' } });
    expect(asked.statusCode).toBe(201);
    await h.request('POST', '/api/my/volunteer-wishes', { cookie: citizen, body: { kind: 'it_helper' } });
    expect((asked.json() as MyVolunteers).wishes).toEqual(['it_helper']);
    const [open] = await h.admin`select count(*)::int as n from volunteer_wishes where citizen_id = ${org.citizenId} and status = 'open'`;
    expect(open!.n).toBe(1); // asking twice is one wish
    expect((await h.request('POST', '/api/my/volunteer-wishes', { cookie: citizen, body: { kind: 'lawyer' } })).statusCode).toBe(400);

    const wishes = await h.request('GET', '/api/volunteer-wishes', { cookie: cookies.worker });
    expect(wishes.json()).toEqual([{ id: expect.any(String), citizenId: org.citizenId, citizenName: 'Carl Borger', kind: 'it_helper', createdAt: expect.any(String) }]);

    const helper = await newVolunteer('Nina Nielsen', { chosenName: 'Nina', kind: 'it_helper' });
    await h.request('POST', `/api/citizens/${org.citizenId}/volunteers`, { cookie: cookies.worker, body: { volunteerId: helper.id } });
    expect((await h.request('GET', '/api/volunteer-wishes', { cookie: cookies.worker })).json()).toEqual([]);
    expect(((await h.request('GET', '/api/my/volunteers', { cookie: citizen })).json() as MyVolunteers).wishes).toEqual([]);
  });
});

describe('follow-up and recognition', () => {
  it('the contact person writes supervision notes and sees them; other workers do not; volunteers never', async () => {
    const { id } = await newVolunteer('Per Poulsen', { chosenName: 'Per' });
    const written = await h.request('POST', `/api/volunteers/${id}/supervision-notes`, { cookie: cookies.worker, body: { body: 'Per har det godt med opgaven.' } });
    expect(written.statusCode).toBe(201);
    expect(written.json()).toMatchObject({ body: 'Per har det godt med opgaven.', authorName: 'Bo Bostøtte' });
    const followUp = (await h.request('GET', `/api/volunteers/${id}/follow-up`, { cookie: cookies.coordinator })).json() as VolunteerFollowUp;
    expect(followUp.notes.map((n) => n.body)).toEqual(['Per har det godt med opgaven.']);
    expect((await h.request('POST', `/api/volunteers/${id}/supervision-notes`, { cookie: cookies.worker, body: { body: ' ' } })).statusCode).toBe(400);
    expect((await h.request('POST', `/api/volunteers/${id}/supervision-notes`, { cookie: cookies.volunteer, body: { body: 'x' } })).statusCode).toBe(403);

    // Not the contact person: the volunteer's follow-up does not exist for them.
    const other = await h.request('POST', '/api/users', { cookie: cookies.coordinator, body: { role: 'worker', displayName: 'Anden Medarbejder', email: 'anden@kommune.dk', password: PASSWORD } });
    expect(other.statusCode).toBe(201);
    const otherCookie = await h.login('anden@kommune.dk');
    expect((await h.request('GET', `/api/volunteers/${id}/follow-up`, { cookie: otherCookie })).statusCode).toBe(404);
    expect((await h.request('POST', `/api/volunteers/${id}/supervision-notes`, { cookie: otherCookie, body: { body: 'x' } })).statusCode).toBe(404);
    const [count] = await h.admin`select count(*)::int as n from supervision_notes where volunteer_id = ${id}`;
    expect(count!.n).toBe(1);
  });

  it('hours and contacts per volunteer per month, for a fixed seed, and as CSV', async () => {
    const { id } = await newVolunteer('Rita Rasmussen', { chosenName: 'Rita' });
    const [c, d] = [org.citizenId, org.otherCitizenId];
    const session = (citizen: string, start: string, end: string | null, appointmentId: string | null = null) => h.admin`
      insert into call_sessions (organisation_id, worker_id, citizen_id, kind, status, started_at, ended_at, end_reason, appointment_id)
      values (${org.id}, ${id}, ${citizen}, ${appointmentId ? 'planned' : 'ad_hoc'}, ${end ? 'ended' : 'open'}, ${start}, ${end}, ${end ? 'ended_by_staff' : null}, ${appointmentId})`;
    const appointment = async (citizen: string, start: string, end: string, status: string) => {
      const [row] = await h.admin<{ id: string }[]>`
        insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, status, created_by)
        values (${org.id}, ${id}, ${citizen}, ${start}, ${end}, 'phone', ${status}, ${org.workerId}) returning id`;
      return row!.id;
    };
    // March 2026 (Copenhagen is UTC+1 until 29 March, UTC+2 after):
    await session(c, '2026-03-10T09:00:00Z', '2026-03-10T09:45:00Z'); //              45 min, citizen c
    const withSession = await appointment(d, '2026-03-12T10:00:00Z', '2026-03-12T10:30:00Z', 'held');
    await session(d, '2026-03-12T10:02:00Z', '2026-03-12T10:27:00Z', withSession); // 25 min, citizen d (its appointment is not counted again)
    await appointment(c, '2026-03-20T10:00:00Z', '2026-03-20T11:00:00Z', 'held'); //   60 min, citizen c (a phone call: no session)
    await appointment(c, '2026-03-15T10:00:00Z', '2026-03-15T11:00:00Z', 'cancelled'); // not counted
    await appointment(d, '2026-03-16T10:00:00Z', '2026-03-16T11:00:00Z', 'no_show'); //   not counted
    // 31 March 22:30 UTC is 1 April 00:30 in Copenhagen: April.
    await session(d, '2026-03-31T22:30:00Z', '2026-03-31T23:10:00Z'); //             40 min, citizen d
    await session(c, '2026-04-02T08:00:00Z', null); //                                still open: not counted
    // So March: 3 contacts (45 + 25 + 60 = 130 min, citizens c and d); April: 1 contact, 40 min, 1 citizen.

    const response = await h.request('GET', '/api/volunteers/hours?from=2026-03&to=2026-04', { cookie: cookies.coordinator });
    expect(response.statusCode).toBe(200);
    const rows = (response.json() as VolunteerHoursRow[]).filter((r) => r.volunteerId === id);
    expect(rows).toEqual([
      { month: '2026-03', volunteerId: id, displayName: 'Rita Rasmussen', chosenName: 'Rita', kind: 'it_helper', contacts: 3, citizens: 2, minutes: 130 },
      { month: '2026-04', volunteerId: id, displayName: 'Rita Rasmussen', chosenName: 'Rita', kind: 'it_helper', contacts: 1, citizens: 1, minutes: 40 },
    ]);
    const onlyMarch = (await h.request('GET', '/api/volunteers/hours?from=2026-03&to=2026-03', { cookie: cookies.coordinator })).json() as VolunteerHoursRow[];
    expect(onlyMarch.filter((r) => r.volunteerId === id).map((r) => r.month)).toEqual(['2026-03']);
    expect((await h.request('GET', '/api/volunteers/hours?from=2026-04&to=2026-03', { cookie: cookies.coordinator })).statusCode).toBe(400);
    expect((await h.request('GET', '/api/volunteers/hours?from=2026-13&to=2027-01', { cookie: cookies.coordinator })).statusCode).toBe(400);

    const csv = await h.request('GET', '/api/volunteers/hours.csv?from=2026-03&to=2026-04', { cookie: cookies.coordinator });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    // 130 min = 2.17 h → "2,2"; 40 min = 0.67 h → "0,7" (one decimal, a decimal comma).
    expect(csv.body).toBe(
      '\ufeffMåned;Frivillig;Navn over for borgere;Type;Kontakter;Borgere;Timer\r\n' +
        '2026-03;Rita Rasmussen;Rita;IT-frivillig;3;2;2,2\r\n' +
        '2026-04;Rita Rasmussen;Rita;IT-frivillig;1;1;0,7\r\n',
    );

    // The contact person's view: each activity's length, no content; the total.
    const followUp = (await h.request('GET', `/api/volunteers/${id}/follow-up`, { cookie: cookies.worker })).json() as VolunteerFollowUp;
    expect(followUp.activities.map((a) => a.minutes)).toEqual([40, 60, 25, 45]);
    expect(followUp.totalMinutes).toBe(170);
    expect(Object.keys(followUp.activities[0]!).sort()).toEqual(['kind', 'minutes', 'startedAt']);
  });
});

describe('a volunteer’s own routes, now run as naervaer_volunteer', () => {
  it('me, open sessions, a new password and signing out still work', async () => {
    const { email } = await newVolunteer('Sara Svendsen', { chosenName: 'Sara' });
    const cookie = await h.login(email);
    const me = await h.request('GET', '/api/me', { cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({ role: 'volunteer', displayName: 'Sara Svendsen' });
    expect((await h.request('GET', '/api/calls/open', { cookie })).statusCode).toBe(200);
    const wrong = await h.request('POST', '/api/auth/password', { cookie, body: { currentPassword: 'not the password at all', newPassword: 'a brand new password' } });
    expect(wrong.statusCode).toBe(400);
    const changed = await h.request('POST', '/api/auth/password', { cookie, body: { currentPassword: PASSWORD, newPassword: 'a brand new password' } });
    expect(changed.statusCode).toBe(204);
    await h.login(email, 'a brand new password');
    expect((await h.request('POST', '/api/auth/logout', { cookie })).statusCode).toBe(204);
    expect((await h.request('GET', '/api/me', { cookie })).statusCode).toBe(401);
  });
});
