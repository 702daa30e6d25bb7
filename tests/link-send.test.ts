import { describe, expect, it } from 'vitest';
import { count } from './support/harness.js';
import { useChannels } from './support/use-channels.js';
import { useHarness } from './support/use-harness.js';

/** Issue 9: "Send login-link som SMS / e-mail" — a worker sends a citizen's sign-in link through the reminder senders. */

const channels = useChannels();
const { h, org, cookies } = useHarness({ env: channels.env, signIn: ['worker', 'coordinator'] });

const send = (citizenId: string, body: unknown, cookie = cookies.worker) =>
  h.request('POST', `/api/citizens/${citizenId}/links/send`, { cookie, body });
const exchange = (secret: string) => h.request('POST', '/api/citizen-links/exchange', { body: { secret } });
const secretIn = (text: string) => /\/link#([A-Za-z0-9_-]{43})/.exec(text)?.[1];

describe('sending a sign-in link', () => {
  it('by SMS: one text to the citizen’s number that holds the link and names no one; the link signs the citizen in', async () => {
    const response = await send(org.citizenId, { channel: 'sms' });
    expect(response.statusCode).toBe(201);
    const sent = response.json() as { id: string; channel: string; expiresAt: string };
    expect(sent.channel).toBe('sms');
    expect(response.body).not.toContain('/link#');

    expect(channels.gateway.delivered).toHaveLength(1);
    const [sms] = channels.gateway.delivered;
    expect(sms!.msisdn).toBe(4512345678);
    expect(sms!.key).toBe(`citizen-link:${sent.id}`);
    for (const name of ['Carl', 'Borger', 'Bo', 'Bostøtte', 'Testkommune']) expect(sms!.message).not.toContain(name);
    expect(sms!.message).toMatch(/^Tryk på linket for at komme ind\. Det virker én gang\.\nhttp:\/\/naervaer\.test\/link#[A-Za-z0-9_-]{43}$/);

    const signedIn = await exchange(secretIn(sms!.message)!);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.id).toBe(org.citizenId);

    const [audited] = await h.admin`select actor_id, action, detail from audit_events where action = 'citizen_link.send'`;
    expect(audited).toMatchObject({ actor_id: org.workerId, detail: { linkId: sent.id, channel: 'sms' } });
    // Neither the number nor the link reaches the log.
    expect(h.logs.join('\n')).not.toContain('12345678');
    expect(h.logs.join('\n')).not.toContain(secretIn(sms!.message)!);
  });

  it('by e-mail, in the citizen’s language; refused with no_address while the citizen has no e-mail, nothing issued', async () => {
    const links = await count(h.admin, 'citizen_links');
    const refused = await send(org.citizenId, { channel: 'email' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('no_address');
    expect(await count(h.admin, 'citizen_links')).toBe(links);
    expect(channels.mails).toHaveLength(0);

    const patched = await h.request('PATCH', `/api/users/${org.citizenId}`, { cookie: cookies.coordinator, body: { email: 'carl@example.dk', preferredLanguage: 'en' } });
    expect(patched.statusCode).toBe(200);
    const response = await send(org.citizenId, { channel: 'email' });
    expect(response.statusCode).toBe(201);
    await expect.poll(() => channels.mails.length).toBe(1);
    const [mail] = channels.mails;
    expect(mail!.to).toMatchObject({ text: 'carl@example.dk' });
    expect(mail!.subject).toBe('Your link for video meetings');
    expect(mail!.text).toContain('Tap the link to get in.');
    expect((await exchange(secretIn(mail!.text ?? '')!)).statusCode).toBe(200);
    expect(channels.gateway.delivered).toHaveLength(0);
  });

  it('when the gateway refuses: send_failed, and the link nobody received is withdrawn', async () => {
    channels.gateway.failNext(400);
    const response = await send(org.citizenId, { channel: 'sms' });
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe('send_failed');
    expect(channels.gateway.delivered).toHaveLength(0);
    const [link] = await h.admin`select revoked_at from citizen_links order by created_at desc limit 1`;
    expect(link!.revoked_at).not.toBeNull();
    const [audited] = await h.admin`select detail from audit_events where action = 'citizen_link.revoke' order by at desc limit 1`;
    expect(audited!.detail).toMatchObject({ reason: 'not sent' });
  });

  it('only for a citizen in the worker’s caseload, and only by sms or email: refusals send and issue nothing', async () => {
    const links = await count(h.admin, 'citizen_links');
    const requests = channels.gateway.requests;
    const notMine = await send(org.otherCitizenId, { channel: 'sms' });
    expect(notMine.statusCode).toBe(404);
    for (const body of [{ channel: 'fax' }, {}, { channel: 'sms', to: '+4587654321' }]) {
      const bad = await send(org.citizenId, body);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('validation');
    }
    expect(await count(h.admin, 'citizen_links')).toBe(links);
    expect(channels.gateway.requests).toBe(requests);
  });
});

describe('on a server with no SMS gateway or mail server set up', () => {
  const bare = useHarness({ signIn: ['worker'] });

  it('a send is refused with send_failed (409, not a server error), and no link is issued', async () => {
    const links = await count(bare.h.admin, 'citizen_links');
    const response = await bare.h.request('POST', `/api/citizens/${bare.org.citizenId}/links/send`, { cookie: bare.cookies.worker, body: { channel: 'sms' } });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('send_failed');
    expect(await count(bare.h.admin, 'citizen_links')).toBe(links);
  });
});
