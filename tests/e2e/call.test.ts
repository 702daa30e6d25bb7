/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, readMediaServerAddress } from '../support/browser.js';
import { thisMachinesDefaultRouteAddress } from '../../server/network.js';
import { axeViolations, citizenCookie, expectMediaFlowing, meetThroughWaitingRoom, receiveStats, signedInContext, videoStopped } from '../support/calls.js';
import { startHarness, type Harness, type Org } from '../support/harness.js';
import { saveScreenshot } from '../support/screenshots.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

interface Setup {
  h: Harness;
  org: Org;
  baseUrl: string;
  worker: Page;
  citizen: Page;
}
let current: Setup | undefined;
afterEach(async () => {
  await current?.worker.context().close();
  await current?.citizen.context().close();
  await current?.h.close();
  current = undefined;
});

async function setUp(env: Record<string, string> = {}, contextOptions: BrowserContextOptions = {}): Promise<Setup> {
  const h = await startHarness(env, { serve: true });
  const baseUrl = h.baseUrl;
  const org = await h.seedOrganisation();
  const workerCookie = await h.login(org.workerEmail);
  const worker = await (await signedInContext(browser, baseUrl, workerCookie, contextOptions)).newPage();
  await worker.context().grantPermissions(['notifications'], { origin: baseUrl });
  await worker.addInitScript(recordNotifications);
  const citizen = await (await signedInContext(browser, baseUrl, await citizenCookie(h, org, workerCookie), contextOptions)).newPage();
  current = { h, org, baseUrl, worker, citizen };
  return current;
}

/** Keeps the titles and bodies of system notifications the page shows, in window.shownNotifications. */
function recordNotifications() {
  const shown: string[] = [];
  const Real = window.Notification;
  function Recording(title: string, options?: NotificationOptions) {
    shown.push(`${title} ${options?.body ?? ''}`.trim());
    return new Real(title, options);
  }
  Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
  Object.assign(Recording, { requestPermission: Real.requestPermission.bind(Real) });
  Object.assign(window, { Notification: Recording, shownNotifications: shown });
}

const shownNotifications = (page: Page) => page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications);

/** Through the waiting room into the call; the waiting citizen sees nobody, not even the worker. */
async function meet({ worker, citizen, baseUrl }: Setup): Promise<void> {
  expect(await meetThroughWaitingRoom(worker, citizen, baseUrl)).toBe(0);
}

async function sessionRows(h: Harness) {
  const [session] = await h.admin`select * from call_sessions`;
  const participants = await h.admin`
    select p.role, p.admitted_at, p.audio_only_used, p.quality_samples, count(s.id)::int as segments,
           array_agg(coalesce(s.leave_reason, 'connected') order by s.id) as reasons
    from call_participants p left join call_segments s on s.participant_id = p.id
    group by p.id order by p.role`;
  return { session: session!, participants };
}

/** The address of the media server this page's receiving connection actually talks to (its selected ICE pair). */
function mediaServerAddress(page: Page): Promise<string | undefined> {
  return page.evaluate(readMediaServerAddress);
}

/** SOAK=20 repeats the basic call that many times in a row (npm run test:e2e:soak): it must never flake. */
const SOAK = Number(process.env.SOAK ?? 1);

describe('a video session through the SFU, in two real browsers', () => {
  // The whole visit over UDP, the default path. Over TCP what differs is the path, so that visit stops once media flows
  // both ways on it (chat, audio-only and the end do not depend on the path). It also runs on the README's default
  // addresses: the README's first command sets no RTC_* variable, so the media server listens on every interface and
  // must announce the address of the interface with the default route (before: 0.0.0.0, and no media ever flowed). The
  // address offered is the same for UDP and TCP. Empty values undo the harness's RTC_LISTEN_IP=127.0.0.1; RTC_PORT
  // stays 0 (any free port): the default 20000 may be held by another test file or a developer's running server.
  const variants: { name: string; env: Record<string, string>; mediaAddress?: string; pathOnly?: boolean }[] = [
    ...Array.from({ length: SOAK }, (_, i) => ({ name: SOAK > 1 ? `UDP (run ${i + 1} of ${SOAK})` : 'UDP', env: {} })),
    {
      name: "TCP only (ICE-TCP), on the README's default addresses",
      env: { RTC_UDP: 'false', RTC_LISTEN_IP: '', RTC_ANNOUNCED_ADDRESS: '' },
      mediaAddress: thisMachinesDefaultRouteAddress()?.address ?? '127.0.0.1',
      pathOnly: true,
    },
  ];
  for (const variant of variants) {
    it(`${variant.name}: waiting room, admit, video and audio both ways${variant.pathOnly ? '' : ', audio-only, chat, end'}`, async () => {
      const setup = await setUp(variant.env);
      const { h, worker, citizen, org } = setup;
      await meet(setup);
      // the worker was alerted by a system notification that names nobody (lock screens, synced devices)
      await expect.poll(() => shownNotifications(worker)).toEqual(['Nogen venter på at komme ind i samtalen']);
      await expectMediaFlowing(citizen);
      await expectMediaFlowing(worker);
      if (variant.mediaAddress) {
        expect(await mediaServerAddress(citizen)).toBe(variant.mediaAddress);
        expect(await mediaServerAddress(worker)).toBe(variant.mediaAddress);
      }
      for (const page of [citizen, worker]) await expect.poll(() => page.locator('.call-status').innerText(), { timeout: 10_000 }).toBe('God forbindelse');
      if (variant.pathOnly) return;

      await worker.getByRole('button', { name: 'Mere' }).click(); // the chat is a sheet over the stage, behind "Mere"
      await worker.getByRole('button', { name: 'Chat' }).click();
      await worker.getByPlaceholder('Skriv en besked').fill('Hej Carl');
      await worker.getByRole('button', { name: 'Send' }).click();
      await citizen.getByText('Hej Carl').waitFor();

      await citizen.getByRole('button', { name: 'Mere' }).click();
      const audioOnly = citizen.getByRole('button', { name: 'Kun lyd' });
      await audioOnly.click();
      await expect.poll(() => audioOnly.getAttribute('aria-pressed')).toBe('true');
      expect(await videoStopped(citizen)).toBe(true);
      expect(await videoStopped(worker)).toBe(true);

      await worker.getByRole('button', { name: 'Afslut samtalen' }).click();
      await citizen.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
      await worker.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
      expect(await citizen.getByTestId('call-ended').getAttribute('data-reason')).toBe('ended_by_staff');
      // media flowed all along: nobody was told that it did not
      for (const page of [citizen, worker]) expect(await page.getByText('Billedet og lyden kommer ikke igennem.').count()).toBe(0);

      const { session, participants } = await sessionRows(h);
      expect(session).toMatchObject({ status: 'ended', end_reason: 'ended_by_staff', ended_by: org.workerId, worker_id: org.workerId, citizen_id: org.citizenId, kind: 'ad_hoc' });
      expect(session.started_at).not.toBeNull();
      expect(participants.map((p) => [p.role, p.segments, p.reasons])).toEqual([
        ['citizen', 1, ['session_ended']],
        ['worker', 1, ['session_ended']],
      ]);
      expect(participants[0]!.admitted_at).not.toBeNull();
      expect(participants[0]!.audio_only_used).toBe(true);
      expect(await h.media.counts()).toMatchObject({ routers: 0, transports: 0, rooms: 0 });
    });
  }
});

describe('a video session survives what phones and servers do', () => {
  // Three people in one call: tests/e2e/adaptive.test.ts (with one of them on a weak line).

  it('the worker closes the tab and presses "Start video" again: back into the same session, no error', async () => {
    const { h, worker, baseUrl } = await setUp();
    await worker.goto(`${baseUrl}/people`);
    await worker.getByRole('button', { name: 'Start video' }).click();
    await worker.getByText('Ingen andre er med endnu.').waitFor();
    const [first] = await h.admin<{ id: string }[]>`select id from call_sessions where status = 'open'`;
    await worker.close();

    const again = await worker.context().newPage();
    await again.goto(`${baseUrl}/people`);
    await again.getByRole('button', { name: 'Start video' }).click();
    await again.getByText('Ingen andre er med endnu.').waitFor();
    expect(await again.getByRole('alert').count()).toBe(0);
    expect(await h.admin`select id from call_sessions`).toEqual([{ id: first!.id }]);
    await again.getByRole('button', { name: 'Afslut samtalen' }).click();
    await again.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
    current!.worker = again;
  });

  it('camera refused: the citizen is told how to allow it in their browser, and can still join to listen and chat', async () => {
    const { h, org, worker, baseUrl } = await setUp();
    // An Android phone whose user pressed "Block": Chromium's fake-UI flag always allows, so the refusal is made here.
    const refused = await signedInContext(browser, baseUrl, await citizenCookie(h, org, await h.login(org.workerEmail)), {
      userAgent: 'Mozilla/5.0 (Linux; Android 13; SM-A145R) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    });
    await refused.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const citizen = await refused.newPage();
    try {
      await worker.goto(`${baseUrl}/people`);
      await worker.getByRole('button', { name: 'Start video' }).click();
      await citizen.goto(baseUrl);
      await citizen.getByRole('button', { name: 'Deltag' }).click();
      const alert = citizen.getByRole('alert');
      await alert.getByText('Du har ikke givet lov til kamera og mikrofon.').waitFor();
      await alert.getByText(/Tilladelser, og slå Kamera og Mikrofon til/).waitFor();
      await citizen.getByRole('button', { name: 'Prøv igen' }).click();
      await alert.getByText('Du har ikke givet lov til kamera og mikrofon.').waitFor();

      await citizen.getByRole('button', { name: 'Deltag' }).click();
      await citizen.getByText('Vent et øjeblik. Din medarbejder lukker dig ind.').waitFor();
      await worker.getByRole('button', { name: 'Luk Carl Borger ind' }).click();
      await expectMediaFlowing(citizen);
      await worker.getByRole('button', { name: 'Mere' }).click(); // the chat is a sheet over the stage, behind "Mere"
      await worker.getByRole('button', { name: 'Chat' }).click();
      await worker.getByPlaceholder('Skriv en besked').fill('Kan du høre mig?');
      await worker.getByRole('button', { name: 'Send' }).click();
      await citizen.getByText('Kan du høre mig?').waitFor();
    } finally {
      await refused.close();
    }
  });

  // One call for both (each costs a call's set-up): the network comes back first, then the media worker dies.
  it('network cut: the citizen goes offline for 5 s and comes back by itself (same session, a second segment); then the media worker is killed: a new one takes over and the call recovers without anyone doing anything', async () => {
    const setup = await setUp();
    const { h, worker, citizen } = setup;
    await meet(setup);
    await expectMediaFlowing(citizen);
    await citizen.context().setOffline(true);
    await citizen.getByTestId('reconnecting').getByText('Tjek at du har internet. Du behøver ikke gøre noget.').waitFor();
    await saveScreenshot(citizen, 'call-reconnecting-citizen');
    await citizen.waitForTimeout(5000);
    await citizen.context().setOffline(false);
    await expectMediaFlowing(citizen);
    await expectMediaFlowing(worker);
    const { session, participants } = await sessionRows(h);
    expect(session.status).toBe('open');
    expect((await h.admin`select count(*)::int as n from call_sessions`)[0]!.n).toBe(1);
    const citizenRow = participants.find((p) => p.role === 'citizen')!;
    expect(citizenRow.segments).toBe(2);
    expect(citizenRow.reasons).toEqual(['disconnected', 'connected']);

    const [host] = h.media.pool.list();
    const deadPid = host!.worker.pid;
    process.kill(deadPid, 'SIGKILL');
    await expect.poll(() => h.media.pool.list().map((w) => w.worker.pid), { timeout: 10_000 }).not.toContain(deadPid);
    await expectMediaFlowing(citizen);
    await expectMediaFlowing(worker);
    expect((await sessionRows(h)).session.status).toBe('open');
    expect((await h.admin`select count(*)::int as n from call_sessions`)[0]!.n).toBe(1);
  });
});

describe('when no media gets through', () => {
  it('after about 10 s both screens say so in plain words with what to try, the indicator does not say good, and the session log records it', async () => {
    // Loopback only: 127.0.0.3 is this machine, but nothing listens there (a wrong RTC_ANNOUNCED_ADDRESS, or a
    // firewall that drops media). axe is injected inline, which the CSP forbids: these contexts bypass it.
    const setup = await setUp({ RTC_LISTEN_IP: '127.0.0.1', RTC_ANNOUNCED_ADDRESS: '127.0.0.3' }, { bypassCSP: true, viewport: { width: 360, height: 740 } });
    const { h, citizen, worker } = setup;
    await meet(setup);
    const notice = (page: Page) => page.getByRole('alert').filter({ hasText: 'Billedet og lyden kommer ikke igennem.' });
    for (const page of [citizen, worker]) await notice(page).waitFor({ timeout: 30_000 });
    await notice(citizen).getByText('Prøv at skifte mellem wifi og mobildata').waitFor();
    await notice(citizen).getByText('Virker det stadig ikke, så ring til din medarbejder.').waitFor();
    await notice(worker).getByText('Virker det stadig ikke, så ring til borgeren.').waitFor();
    for (const page of [citizen, worker]) {
      expect(await page.locator('.call-status').innerText()).toBe('Intet billede eller lyd');
      expect((await receiveStats(page)).video.framesDecoded).toBe(0);
    }
    // the browser told the server, which wrote it in the session log
    await expect
      .poll(async () => (await h.admin`select role from call_participants where no_media_reported_at is not null order by role`).map((p) => p.role), { timeout: 5000 })
      .toEqual(['citizen', 'worker']);

    for (const viewport of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
      await citizen.setViewportSize(viewport);
      await saveScreenshot(citizen, `call-no-media-citizen-${viewport.width}`);
      expect(await axeViolations(citizen)).toEqual([]);
    }

    // "Forbind igen" starts over (a new join), and the notice stays until media arrives
    await citizen.getByRole('button', { name: 'Forbind igen' }).click();
    await expect.poll(() => h.admin`select count(*)::int as n from call_segments s join call_participants p on p.id = s.participant_id where p.role = 'citizen'`.then(([r]) => r!.n), { timeout: 10_000 }).toBe(2);
    await notice(citizen).waitFor();

    await worker.getByRole('button', { name: 'Afslut samtalen' }).click();
    const ended = citizen.getByTestId('call-ended');
    await ended.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
    expect(await ended.getAttribute('data-reason')).toBe('ended_by_staff');
    expect(await axeViolations(citizen)).toEqual([]);
  }, 120_000);
});
