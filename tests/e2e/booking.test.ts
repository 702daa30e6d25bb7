/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { axeViolations, citizenCookie, signedInContext } from '../support/calls.js';
import { startHarness, type Harness, type Org } from '../support/harness.js';

let h: Harness;
let org: Org;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  h = await startHarness({}, { serve: true });
  baseUrl = h.baseUrl;
  org = await h.seedOrganisation();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const tomorrow = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(new Date(Date.now() + 86_400_000));

describe('booking screens at 360 px', () => {
  it('a worker books from the form, the citizen sees "Mine aftaler" and asks for a home visit, the worker accepts', async () => {
    const workerCookie = await h.login(org.workerEmail);
    const worker = await (await signedInContext(browser, baseUrl, workerCookie, { bypassCSP: true })).newPage();
    await worker.goto(`${baseUrl}/agenda`);
    await worker.getByRole('button', { name: 'Book en aftale' }).click();
    await worker.getByRole('heading', { name: 'Ny aftale' }).waitFor();
    await worker.locator('form[aria-labelledby="book-title"] select').first().selectOption({ label: 'Carl Borger' });
    await worker.getByLabel('Dato').fill(tomorrow());
    await worker.getByLabel('Klokken').fill('10:00');
    await worker.getByRole('button', { name: 'Book', exact: true }).click();
    await worker.getByText('Aftalen er booket.').waitFor();
    await worker.getByRole('button', { name: 'Næste' }).click();
    await worker.locator('li.appointment', { hasText: '10:00–10:20' }).waitFor();

    // the same slot again (the form is empty after a booking; the day and time are kept): the database refuses, the
    // worker is told when the clash is
    await worker.locator('form[aria-labelledby="book-title"] select').first().selectOption({ label: 'Carl Borger' });
    await worker.getByRole('button', { name: 'Book', exact: true }).click();
    await worker.getByRole('alert').filter({ hasText: 'overlapper' }).waitFor();
    expect(await worker.getByRole('alert').textContent()).toContain('10:00–10:20');

    const citizen = await (await signedInContext(browser, baseUrl, await citizenCookie(h, org, workerCookie), { bypassCSP: true })).newPage();
    await citizen.goto(baseUrl);
    await citizen.getByRole('heading', { name: 'Mine aftaler' }).waitFor();
    await citizen.getByText('I morgen kl. 10.00').waitFor();
    // Asked behind "Skift eller aflys" and a question (tests/e2e/citizen.test.ts: and with an undo).
    await citizen.getByRole('button', { name: 'Skift eller aflys' }).click();
    await citizen.getByRole('button', { name: 'Hellere hjemmebesøg' }).click();
    await citizen.getByRole('button', { name: 'Ja', exact: true }).click();
    await citizen.getByText('Bo har fået besked.').first().waitFor();
    expect(await citizen.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await axeViolations(citizen)).toEqual([]);

    await worker.reload();
    await worker.getByRole('button', { name: 'Næste' }).click();
    await worker.getByText('Borgeren foretrækker: Hjemmebesøg').waitFor();
    await worker.getByRole('button', { name: 'Godkend' }).click();
    await worker.locator('p.request').waitFor({ state: 'detached' });
    await worker.locator('li.appointment', { hasText: 'Hjemmebesøg' }).waitFor();
    expect(await axeViolations(worker)).toEqual([]);
    const [row] = await h.admin`select modality from appointments`;
    expect(row!.modality).toBe('home_visit');
    await worker.context().close();
    await citizen.context().close();
  });
});
