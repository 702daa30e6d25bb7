/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser, so this file also sees DOM types.
import fs from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIR } from '../../server/paths.js';
import { launchChromium } from '../support/browser.js';
import { citizenCookie, signedInContext } from '../support/calls.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 9: the citizen app installs as a PWA — a valid manifest with icons that exist in the sizes it says, a
 * service worker that registers and controls the page — and "Mine aftaler" opens with no network, from what the
 * service worker kept, saying so. It keeps nothing else of /api, and nothing once the citizen has logged out.
 * Against the production build the harness serves (the worker is registered only in production builds).
 */
const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker'] });
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(`${CLIENT_DIR}/sw.js`)) throw new Error('build the client first: npm run build');
  browser = await launchChromium();
  const tomorrow = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(new Date(Date.now() + 86_400_000));
  const booked = await h.request('POST', '/api/appointments', { cookie: cookies.worker, body: { citizenId: org.citizenId, start: `${tomorrow}T10:00`, durationMinutes: 30, modality: 'video' } });
  if (booked.statusCode !== 201) throw new Error(`booking: ${booked.statusCode} ${booked.body}`);
});
afterAll(() => browser?.close());

/** Width and height from a PNG's IHDR chunk (bytes 16–23), so the test checks the image, not only its name. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the manifest', () => {
  it('names the app, starts at /, stands alone in the theme colour, and its icons exist in the sizes it says', async () => {
    const html = await (await fetch(h.baseUrl)).text();
    const href = /<link rel="manifest" href="([^"]+)"/.exec(html)?.[1];
    expect(href).toBe('/manifest.webmanifest');
    const response = await fetch(`${h.baseUrl}${href}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await response.json()) as Record<string, unknown> & { icons: { src: string; sizes: string; type: string; purpose: string }[] };
    expect(manifest).toMatchObject({ name: 'Nærvær', short_name: 'Nærvær', start_url: '/', scope: '/', display: 'standalone', theme_color: '#1f4e5f', background_color: '#f6f4ef' });
    // The theme colour is the app's own (the top bar's --brand), as the phone's status bar shows it.
    expect(fs.readFileSync('client/src/styles.css', 'utf8')).toContain(`--brand: ${manifest.theme_color as string};`);

    const purposes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`);
    expect(purposes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
    for (const icon of manifest.icons) {
      const file = await fetch(`${h.baseUrl}${icon.src}`);
      expect(file.status, icon.src).toBe(200);
      expect(file.headers.get('content-type'), icon.src).toBe(icon.type);
      const [width, height] = icon.sizes.split('x').map(Number);
      expect(pngSize(Buffer.from(await file.arrayBuffer())), icon.src).toEqual({ width, height });
    }
  });

  it('the service worker is served as a script the browser asks for again on every visit', async () => {
    const response = await fetch(`${h.baseUrl}/sw.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    // Read to the end: a response left unread holds its connection, and the server's close then waits for it.
    expect(await response.text()).toContain('naervaer-crisis-plan');
  });
});

describe('the app as it travels', () => {
  it('goes compressed to a browser that accepts it (Brotli, else gzip), the same bytes once unpacked, and plain to one that does not', async () => {
    const html = fs.readFileSync(`${CLIENT_DIR}/index.html`, 'utf8');
    const entry = /<script[^>]*type="module"[^>]*src="\/([^"]+)"/.exec(html)![1]!;
    const original = fs.readFileSync(`${CLIENT_DIR}/${entry}`);

    const brotli = await h.request('GET', `/${entry}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(brotli.statusCode).toBe(200);
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['content-type']).toMatch(/javascript/);
    expect(brotli.headers.vary).toMatch(/accept-encoding/i);
    expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(brotli.rawPayload).equals(original)).toBe(true);
    // what a citizen's phone downloads: about a quarter of the script
    expect(brotli.rawPayload.length).toBeLessThan(original.length / 3);

    const gzip = await h.request('GET', `/${entry}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).equals(original)).toBe(true);

    const plain = await h.request('GET', `/${entry}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(original)).toBe(true);

    // the service worker too, and it keeps being asked for again on every visit
    const worker = await h.request('GET', '/sw.js', { headers: { 'accept-encoding': 'br' } });
    expect(worker.headers['content-encoding']).toBe('br');
    expect(worker.headers['cache-control']).toBe('no-cache');
  });
});

/** What the browser has cached, per cache: the paths of its entries. */
const cachedPaths = (page: Page) =>
  page.evaluate(async () => {
    const result: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      result[name] = (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname);
    }
    return result;
  });

describe('installed and offline, on a phone', () => {
  it('the service worker controls the page; offline, "Mine aftaler" opens from what it kept, and says so', async () => {
    // The page's Content-Security-Policy is in force (no bypassCSP): it must let the worker and the manifest in.
    const context = await signedInContext(browser, h.baseUrl, await citizenCookie(h, org, cookies.worker), {
      viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true,
    });
    try {
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('console', (message) => /Content.Security.Policy|Refused/i.test(message.text()) && refused.push(message.text()));
      const shown = await page.goto(h.baseUrl);
      expect(shown?.headers()['content-security-policy']).toContain("default-src 'self'");
      await page.getByRole('heading', { name: 'Mine aftaler' }).waitFor();
      // Registered, activated and (clientsClaim) controlling this page without a reload.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL)).toBe(`${h.baseUrl}/sw.js`);

      // The list fetched through the worker is kept (network first: this visit's answer).
      await page.reload();
      await page.getByText('I morgen kl. 10.00').waitFor();
      await expect.poll(async () => (await cachedPaths(page))['naervaer-my-appointments'] ?? []).toEqual(['/api/my/appointments']);
      // Nothing else of /api is kept anywhere (not /api/me, not /api/calls/open, …); the shell is.
      const cached = await cachedPaths(page);
      const api = Object.values(cached).flat().filter((p) => p.startsWith('/api/'));
      expect(api).toEqual(['/api/my/appointments']);
      expect(Object.values(cached).flat()).toEqual(expect.arrayContaining(['/index.html', '/manifest.webmanifest', '/icons/icon-192.png']));
      // …but not the call code: a phone downloads it when a call is near, not on its first visit.
      expect(Object.values(cached).flat().filter((p) => /\/CallScreen-[\w-]+\.js$/.test(p))).toEqual([]);
      expect(fs.readdirSync(`${CLIENT_DIR}/assets`).filter((f) => /^CallScreen-[\w-]+\.js$/.test(f))).toHaveLength(1);

      await context.setOffline(true);
      await page.reload();
      await page.getByText('Du er offline — viser sidst hentede aftaler.').waitFor();
      await page.getByRole('heading', { name: 'Mine aftaler' }).waitFor();
      await page.getByText('I morgen kl. 10.00').waitFor();
      await page.getByText('Video med Bo').waitFor();
      // Offline there is nothing to change (it would need the server).
      expect(await page.getByRole('button', { name: 'Skift eller aflys' }).count()).toBe(0);
      expect(refused).toEqual([]);
      await saveScreenshot(page, 'offline-da-phone', { fullPage: true });

      // Back online, the citizen logs out: the kept list goes with the session.
      await context.setOffline(false);
      await page.goto(`${h.baseUrl}/more`);
      await page.getByRole('button', { name: 'Log ud' }).click();
      await page.getByRole('button', { name: 'Ja, log ud' }).click();
      await page.getByRole('heading', { name: 'Log ind for medarbejdere' }).waitFor();
      expect((await cachedPaths(page))['naervaer-my-appointments']).toBeUndefined();
      await context.setOffline(true);
      await page.reload();
      await page.getByText('Du er offline. Prøv igen, når du har net.').waitFor();
      expect(await page.getByText('Video med Bo').count()).toBe(0);
      expect(await page.getByRole('heading', { name: 'Mine aftaler' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('a sign-in link for another citizen on the same phone drops what was kept for the first', async () => {
    // Dorte, not in Bo's caseload at first, gets a link of her own (a phone handed on, or shared in a family).
    await h.admin`insert into caseloads (organisation_id, worker_id, citizen_id) values (${org.id}, ${org.workerId}, ${org.otherCitizenId}) on conflict do nothing`;
    const link = async (citizenId: string) => {
      const made = await h.request('POST', `/api/citizens/${citizenId}/links`, { cookie: cookies.worker });
      expect(made.statusCode).toBe(201);
      return made.json().url as string;
    };
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: 'da-DK' });
    try {
      const page = await context.newPage();
      // Carl signs in by his link and opens his crisis plan: both are kept for him.
      await page.goto(await link(org.citizenId));
      await page.getByRole('button', { name: 'Fortsæt' }).click();
      await page.getByText('I morgen kl. 10.00').waitFor();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
      await page.goto(`${h.baseUrl}/crisis-plan`);
      await page.getByRole('heading', { name: 'Min kriseplan' }).waitFor();
      await expect.poll(async () => (await cachedPaths(page))['naervaer-crisis-plan'] ?? []).toEqual(['/api/my/crisis-plan']);

      // Carl signs in again (a new link): his plan stays kept.
      await page.goto(await link(org.citizenId));
      await page.getByRole('button', { name: 'Fortsæt' }).click();
      await page.getByText('Hej Carl').waitFor();
      expect((await cachedPaths(page))['naervaer-crisis-plan']).toEqual(['/api/my/crisis-plan']);

      // Dorte signs in on the same phone: Carl's plan is no longer on it (her home does not ask for a plan).
      await page.goto(await link(org.otherCitizenId));
      await page.getByRole('button', { name: 'Fortsæt' }).click();
      await page.getByText('Hej Dorte').waitFor();
      expect((await cachedPaths(page))['naervaer-crisis-plan'] ?? []).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
