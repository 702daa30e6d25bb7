/// <reference lib="dom" />
/**
 * Issue 9, "Bo er klar" in the browser. The worker presses "Start video" and, on the call screen while nobody has
 * come yet, reads how the citizen was told ("Carl har fået besked på SMS."), or that they were not. The citizen's
 * open home screen shows "Deltag" when the server says so over the live connection (/events), not at its next poll.
 * On "Mere" the citizen turns notifications on and off. At 360×740 (touch, Danish) and 1280×800; axe finds nothing.
 * With SCREENSHOTS=<folder>, each state is saved there.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, citizenCookie, signedInContext } from '../support/calls.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useBrowserPages } from '../support/use-browser-pages.js';
import { setQuietHours } from '../support/quiet-hours.js';
import { useHarness } from '../support/use-harness.js';
import { useOutbound } from '../support/use-channels.js';

const sizes: Record<string, BrowserContextOptions> = {
  phone: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true },
  laptop: { viewport: { width: 1280, height: 800 }, bypassCSP: true },
};

const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] });
const outbound = useOutbound(h);

const pages = useBrowserPages(h);
const { newPage } = pages;
beforeAll(async () => {
  const consent = await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: cookies.worker, body: { smsReminders: true } });
  expect(consent.statusCode).toBe(200);
});
afterEach(async () => {
  // Carl is told by SMS unless a test subscribed a device of his.
  await h.admin`delete from push_subscriptions`;
});

const quietHours = (now: 'quiet' | 'not quiet') => setQuietHours(h, org.id, now);

/** Inside the viewport, at least 44×44, and what a tap at its centre hits. */
async function expectReachable(page: Page, selector: string): Promise<void> {
  const element = page.locator(selector).first();
  const box = (await element.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(box.y + box.height, selector).toBeLessThanOrEqual(viewport.height);
  const topmost = await element.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && (hit === el || el.contains(hit));
  });
  expect(topmost, selector).toBe(true);
}

/**
 * The browser's side of its push service. A headless Chromium has no connection to Google's push service, so
 * PushManager's subscribe/getSubscription answer here as a browser does once its push service has answered: a
 * subscription with an endpoint (on loopback, which an http:// installation takes) and the device's keys.
 */
function fakePushService(): void {
  const w = window as unknown as { subscribedWith?: { userVisibleOnly: boolean; keyLength: number }; unsubscribed?: boolean };
  type Saved = { endpoint: string; keys: { p256dh: string; auth: string } };
  // Kept across reloads, as a browser keeps its subscriptions.
  const make = (saved: Saved) => ({
    endpoint: saved.endpoint, expirationTime: null,
    toJSON: () => ({ endpoint: saved.endpoint, expirationTime: null, keys: saved.keys }),
    getKey: () => null,
    unsubscribe: async () => {
      localStorage.removeItem('fake-push-subscription');
      w.unsubscribed = true;
      return true;
    },
  }) as unknown as PushSubscription;
  const current = () => {
    const saved = localStorage.getItem('fake-push-subscription');
    return saved ? make(JSON.parse(saved) as Saved) : null;
  };
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  PushManager.prototype.getSubscription = async () => current();
  PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
    const key = options?.applicationServerKey as Uint8Array;
    w.subscribedWith = { userVisibleOnly: !!options?.userVisibleOnly, keyLength: key.byteLength };
    const p256dh = new Uint8Array(65);
    p256dh[0] = 4;
    crypto.getRandomValues(p256dh.subarray(1));
    const auth = crypto.getRandomValues(new Uint8Array(16));
    const saved: Saved = { endpoint: 'http://127.0.0.1:9/wpush/v2/this-phone', keys: { p256dh: b64(p256dh), auth: b64(auth) } };
    localStorage.setItem('fake-push-subscription', JSON.stringify(saved));
    return make(saved);
  };
}

for (const [device, options] of Object.entries(sizes)) {
  describe(`on a ${device}`, () => {
    it('the citizen turns "Få besked" on and off on Mere: asked only on the tap, kept on the server, gone again', async () => {
      await h.admin`delete from push_subscriptions`;
      const context = await signedInContext(pages.browser, h.baseUrl, await citizenCookie(h, org, cookies.worker), { ...options, locale: 'da-DK' });
      await context.grantPermissions(['notifications'], { origin: h.baseUrl });
      await context.addInitScript(fakePushService);
      const citizen = await context.newPage();
      pages.closeAfterTest(citizen);
      await citizen.goto(`${h.baseUrl}/more`);
      const turnOn = citizen.getByRole('button', { name: 'Slå beskeder til' });
      await turnOn.waitFor();
      expect(await citizen.getByRole('heading', { name: 'Besked når din medarbejder er klar' }).count()).toBe(1);
      await turnOn.scrollIntoViewIfNeeded();
      const box = (await turnOn.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(44);
      expect(await axeViolations(citizen)).toEqual([]);
      await saveScreenshot(citizen, `more-notifications-off-${device}`);

      await turnOn.click();
      await citizen.getByText('Du får besked på denne telefon, når din medarbejder er klar.').waitFor();
      expect(await citizen.evaluate(() => (window as unknown as { subscribedWith: unknown }).subscribedWith)).toEqual({ userVisibleOnly: true, keyLength: 65 });
      expect(await h.admin`select endpoint from push_subscriptions where user_id = ${org.citizenId}`).toEqual([{ endpoint: 'http://127.0.0.1:9/wpush/v2/this-phone' }]);
      expect(await axeViolations(citizen)).toEqual([]);
      await saveScreenshot(citizen, `more-notifications-on-${device}`);

      await citizen.getByRole('button', { name: 'Slå beskeder fra' }).click();
      await turnOn.waitFor();
      expect(await citizen.evaluate(() => (window as unknown as { unsubscribed?: boolean }).unsubscribed)).toBe(true);
      expect(await h.admin`select endpoint from push_subscriptions where user_id = ${org.citizenId}`).toEqual([]);
    });

    it('the worker starts a video from Borgere and reads on the call screen that Carl was told by SMS', async () => {
      await quietHours('not quiet');
      const worker = await newPage(cookies.worker, options);
      await worker.goto(`${h.baseUrl}/people`);
      await worker.getByRole('button', { name: 'Start video' }).first().click();
      await worker.getByText('Ingen andre er med endnu.').waitFor();
      const line = worker.getByTestId('ready-told');
      await expect.poll(() => line.textContent()).toBe('Carl har fået besked på SMS.');
      const box = (await line.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(options.viewport!.height);
      expect(await axeViolations(worker)).toEqual([]);
      await saveScreenshot(worker, `ready-told-sms-${device}`);
    });

    // The rule is the same at every size; the phone's screen is the one checked.
    it.runIf(device === 'phone')('in the quiet hours the worker reads that Carl was not told', async () => {
      await quietHours('quiet');
      const worker = await newPage(cookies.worker, options);
      await worker.goto(`${h.baseUrl}/people`);
      await worker.getByRole('button', { name: 'Start video' }).first().click();
      await expect.poll(() => worker.getByTestId('ready-told').textContent()).toBe('Carl har ikke fået besked (stille timer).');
      expect(await axeViolations(worker)).toEqual([]);
      await saveScreenshot(worker, `ready-told-quiet-${device}`);
    });

    it('the citizen\'s open home shows "Deltag" when the server says the session opened', async () => {
      const citizen = await newPage(await citizenCookie(h, org, cookies.worker), options);
      const said: string[] = [];
      citizen.on('websocket', (socket) => {
        if (socket.url().includes('/socket.io/')) socket.on('framereceived', ({ payload }) => said.push(String(payload)));
      });
      await citizen.goto(h.baseUrl);
      // Connected to /events (socket.io's namespace connect reply), and no session open yet.
      await expect.poll(() => said.some((frame) => frame.startsWith('40/events'))).toBe(true);
      expect(await citizen.getByRole('button', { name: 'Deltag' }).count()).toBe(0);

      const started = await h.request('POST', '/api/calls', { cookie: cookies.worker, body: { citizenId: org.citizenId } });
      expect(started.statusCode).toBe(201);
      await expect.poll(() => said.some((frame) => frame.includes('openCallsChanged'))).toBe(true);
      await citizen.getByRole('button', { name: 'Deltag' }).first().waitFor();
      await expectReachable(citizen, 'button:has-text("Deltag")');
      expect(await axeViolations(citizen)).toEqual([]);
      await saveScreenshot(citizen, `citizen-ready-${device}`);
    });
  });
}

/** The same two screens in English and Swedish, on a phone: the texts follow the language, and axe finds nothing. */
const languages = [
  { locale: 'en-GB', start: 'Start video', told: 'Carl was told by SMS.', turnOn: 'Turn messages on', on: 'You get a message on this phone when your support worker is ready.' },
  { locale: 'sv-SE', start: 'Starta video', told: 'Carl har fått besked via sms.', turnOn: 'Slå på meddelanden', on: 'Du får ett meddelande på den här telefonen när din boendestödjare är redo.' },
];
// English here; Swedish with SCREEN_MATRIX=full (screen-checks.ts): the words come from the same tables.
for (const language of languages.filter((l) => process.env.SCREEN_MATRIX === 'full' || l.locale === 'en-GB')) {
  describe(`in ${language.locale}, on a phone`, () => {
    it('the worker\'s line on how Carl was told, and the citizen\'s opt-in', async () => {
      await quietHours('not quiet');
      await h.admin`delete from push_subscriptions`;
      const worker = await newPage(cookies.worker, sizes.phone!, language.locale);
      await worker.goto(`${h.baseUrl}/people`);
      await worker.getByRole('button', { name: language.start }).first().click();
      await expect.poll(() => worker.getByTestId('ready-told').textContent()).toBe(language.told);
      expect(await axeViolations(worker)).toEqual([]);
      await saveScreenshot(worker, `ready-told-sms-${language.locale}`);

      const context = await signedInContext(pages.browser, h.baseUrl, await citizenCookie(h, org, cookies.worker), { ...sizes.phone, locale: language.locale });
      await context.grantPermissions(['notifications'], { origin: h.baseUrl });
      await context.addInitScript(fakePushService);
      const citizen = await context.newPage();
      pages.closeAfterTest(citizen);
      await citizen.goto(`${h.baseUrl}/more`);
      await citizen.getByRole('button', { name: language.turnOn }).click();
      await citizen.getByText(language.on).waitFor();
      expect(await axeViolations(citizen)).toEqual([]);
      await saveScreenshot(citizen, `more-notifications-on-${language.locale}`);
    });
  });
}

describe('from the SMS to the worker', () => {
  it('in two taps: the link\'s "Deltag", the device check\'s "Deltag" — then the worker lets Carl in; the link works once', async () => {
    await quietHours('not quiet');
    const worker = await newPage(cookies.worker, sizes.laptop!);
    await worker.goto(`${h.baseUrl}/people`);
    await worker.getByRole('button', { name: 'Start video' }).first().click();
    await expect.poll(() => worker.getByTestId('ready-told').textContent()).toBe('Carl har fået besked på SMS.');

    await outbound.dispatcher.drain();
    const secret = /join#([A-Za-z0-9_-]{43})$/.exec(outbound.gateway.delivered.at(-1)?.message ?? '')?.[1];
    expect(secret).toBeDefined();

    // Carl's phone: not signed in, the SMS link opened.
    const context = await pages.browser.newContext({ ...sizes.phone, locale: 'da-DK', permissions: ['camera', 'microphone'] });
    const phone = await context.newPage();
    pages.closeAfterTest(phone);
    await phone.goto(`${h.baseUrl}/join#${secret}`);
    await phone.getByRole('button', { name: 'Deltag' }).click(); // tap 1
    await phone.getByRole('heading', { name: 'Tjek kamera og mikrofon' }).waitFor();
    await saveScreenshot(phone, 'ready-link-check-phone');
    await phone.getByRole('button', { name: 'Deltag' }).click(); // tap 2
    const admit = worker.getByRole('button', { name: 'Luk Carl Borger ind' });
    await admit.waitFor();
    await saveScreenshot(phone, 'ready-link-waiting-phone');
    await admit.click();
    await admit.waitFor({ state: 'detached' });

    // The link is spent: opened again (another phone, a forwarded SMS), it is refused.
    const again = await (await pages.browser.newContext({ ...sizes.phone, locale: 'da-DK' })).newPage();
    pages.closeAfterTest(again);
    await again.goto(`${h.baseUrl}/join#${secret}`);
    await again.getByRole('button', { name: 'Deltag' }).click();
    await again.getByText('Linket er allerede brugt.').waitFor();
    expect(await axeViolations(again)).toEqual([]);
  });
});

describe('a phone that takes notifications, signed in again', () => {
  it('tells the server again on start, so the notifications follow the new sign-in', async () => {
    const first = await citizenCookie(h, org, cookies.worker);
    const context = await signedInContext(pages.browser, h.baseUrl, first, { ...sizes.phone, locale: 'da-DK' });
    await context.grantPermissions(['notifications'], { origin: h.baseUrl });
    await context.addInitScript(fakePushService);
    const phone = await context.newPage();
    pages.closeAfterTest(phone);
    await phone.goto(`${h.baseUrl}/more`);
    await phone.getByRole('button', { name: 'Slå beskeder til' }).click();
    await phone.getByText('Du får besked på denne telefon, når din medarbejder er klar.').waitFor();
    const sessionOf = async () => (await h.admin<{ auth_session_id: string }[]>`select auth_session_id from push_subscriptions where user_id = ${org.citizenId}`).map((r) => r.auth_session_id);
    const before = await sessionOf();
    expect(before).toHaveLength(1);

    // A new sign-in link opened on the same phone: its cookie replaces the first.
    const second = await citizenCookie(h, org, cookies.worker);
    await context.addCookies([{ name: 'naervaer_session', value: second.split('=')[1]!, url: h.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
    await phone.goto(h.baseUrl);
    const [newest] = await h.admin<{ id: string }[]>`select id from auth_sessions where user_id = ${org.citizenId} order by created_at desc limit 1`;
    await expect.poll(sessionOf).toEqual([newest!.id]);
    expect(newest!.id).not.toBe(before[0]);
  });
});
