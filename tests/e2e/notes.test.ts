/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser, so this file also sees DOM types.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, citizenCookie, meetThroughWaitingRoom } from '../support/calls.js';
import { controlProblems, SIZES } from '../support/screen-checks.js';
import { saveScreenshot } from '../support/screenshots.js';
import { useBrowserPages } from '../support/use-browser-pages.js';
import { useHarness } from '../support/use-harness.js';

/**
 * Issue 11 in a browser: a real video call ends → the host's note step appears ("Hvordan gik det?", the citizen's goals
 * as toggles, short fields) → a goal chosen, a line written, "Gem notat" → the note is in the citizen's timeline
 * (Forløb), opens, and its PDF renders with the citizen's name; the citizen meanwhile answers the faces at 360×740
 * and later reads the note under "Det skrev vi". A phone appointment's note, opened from I dag, survives a reload.
 * Every screen at 360×740 (touch) and 1280×800, axe clean, every control reachable.
 */
// TEST_CLIENT_DIR: a client built elsewhere than dist/client (e.g. `vite build --outDir`), when several people share a checkout.
const clientDir = process.env.TEST_CLIENT_DIR;
const { h, org, cookies } = useHarness({ serve: true, signIn: ['worker', 'coordinator'], ...(clientDir ? { clientDir } : {}) });
const { newPage } = useBrowserPages(h);
let citizen: string;

beforeAll(async () => {
  citizen = await citizenCookie(h, org, cookies.worker);
  const goal = await h.request('POST', `/api/citizens/${org.citizenId}/goals`, { cookie: cookies.worker, body: { title: 'Handle ind selv', description: 'Én gang om ugen.' } });
  if (goal.statusCode !== 201) throw new Error(`goal: ${goal.statusCode} ${goal.body}`);
  await h.request('POST', `/api/citizens/${org.citizenId}/goals`, { cookie: cookies.worker, body: { title: 'Sove bedre' } });
});

/** axe clean and nothing too small or covered, at the page's present size; a screenshot to look at. */
async function looksRight(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await saveScreenshot(page, name, { fullPage: true });
  expect(await axeViolations(page), name).toEqual([]);
  expect(await controlProblems(page), name).toEqual([]);
}

/** The same screen at the laptop's size too. */
async function atBothSizes(page: Page, name: string): Promise<void> {
  await page.setViewportSize(SIZES.phone.viewport);
  await looksRight(page, `${name}-360x740`);
  await page.setViewportSize(SIZES.laptop.viewport);
  await looksRight(page, `${name}-1280x800`);
  await page.setViewportSize(SIZES.phone.viewport);
}

describe('the note after a video call, the timeline, the export and the citizen’s side', () => {
  it('end a real call → note step → goal, text, save → in the timeline; the PDF renders; the citizen answers and reads', async () => {
    const worker = await newPage(cookies.worker, { ...SIZES.phone, bypassCSP: true });
    const carl = await newPage(citizen, { ...SIZES.phone, bypassCSP: true });
    expect(await meetThroughWaitingRoom(worker, carl, h.baseUrl)).toBe(0);
    await worker.getByRole('button', { name: 'Afslut samtalen' }).click();

    // The host: the note step, in place of the call.
    await worker.getByRole('heading', { name: 'Samtalen er slut.' }).waitFor();
    await worker.getByRole('group', { name: 'Hvordan gik det?' }).waitFor();
    const save = worker.getByRole('button', { name: 'Gem notat' });
    expect(await save.isDisabled()).toBe(true);
    await worker.getByLabel('Holdt').check();
    await worker.getByRole('group', { name: 'Hvilke mål handlede det om?' }).getByLabel('Handle ind selv').check();
    await worker.getByLabel('Det talte vi om').fill('Ugen og indkøb i Netto.');
    await worker.getByLabel('Aftaler').fill('Vi handler sammen torsdag.');
    await worker.getByText('Kladden er gemt.').waitFor();
    const [draft] = await h.admin`select status, outcome, topics from session_notes`;
    expect(draft).toEqual({ status: 'draft', outcome: 'held', topics: 'Ugen og indkøb i Netto.' });
    await atBothSizes(worker, 'note-step');

    // The citizen: one question, three faces, nothing required.
    await carl.getByRole('group', { name: 'Hvordan var det at tale sammen i dag?' }).waitFor();
    await carl.getByRole('button', { name: 'Spring over' }).waitFor();
    await atBothSizes(carl, 'faces');
    await carl.getByText('Godt', { exact: true }).click();
    expect(await carl.getByRole('radio', { name: 'Godt', exact: true }).isChecked()).toBe(true);
    // An ad hoc call with no appointment to name the worker by: "din medarbejder" (with one, their first name).
    await carl.getByLabel('Må din medarbejder se dit svar?').check();
    await carl.getByLabel('Vil du sige mere? Det kan du lade være med.').fill('Rart at se dig.');
    await looksRight(carl, 'faces-chosen-360x740');
    await carl.getByRole('button', { name: 'Send' }).click();
    await carl.getByText('Tak for dit svar.').waitFor();
    const [answer] = await h.admin`select mood, comment, shared_with_worker from citizen_feedback`;
    expect(answer).toEqual({ mood: 'good', comment: 'Rart at se dig.', shared_with_worker: true });

    await save.click();
    await worker.getByRole('status').filter({ hasText: 'Notatet er gemt.' }).waitFor();
    const [note] = await h.admin<{ id: string; status: string }[]>`select id, status from session_notes`;
    expect(note!.status).toBe('final');
    const [call] = await h.admin`select outcome from call_sessions`;
    expect(call!.outcome).toBe('held');

    // Forløb, from the citizen's row on Borgere: the goals on top, the note and the session below, newest first.
    await worker.goto(`${h.baseUrl}/people`);
    await worker.getByRole('button', { name: 'Forløb' }).click();
    await worker.getByRole('heading', { name: 'Forløb: Carl Borger' }).waitFor();
    await worker.getByRole('link', { name: 'Ugen og indkøb i Netto.' }).waitFor();
    await worker.getByText('Borgerens svar: Godt').waitFor();
    expect(await worker.getByRole('heading', { name: 'Mål' }).count()).toBe(1);
    await atBothSizes(worker, 'timeline');
    await worker.getByRole('button', { name: 'Notater', exact: true }).click();
    await expect.poll(() => worker.locator('.timeline-entry').count()).toBe(1);

    // The note, read only, with its export for the case system.
    await worker.getByRole('link', { name: 'Ugen og indkøb i Netto.' }).click();
    await worker.getByRole('heading', { name: 'Notat: Carl Borger' }).waitFor();
    await worker.getByText('Vi handler sammen torsdag.').waitFor();
    await atBothSizes(worker, 'note-view');
    const href = await worker.getByRole('link', { name: 'Hent som PDF' }).getAttribute('href');
    expect(href).toBe(`/api/notes/${note!.id}/export.pdf`);
    const pdf = await worker.request.get(`${h.baseUrl}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const file = path.join(h.dataDir, 'e2e-notat.pdf');
    fs.writeFileSync(file, await pdf.body());
    const text = execFileSync('/usr/bin/pdftotext', [file, '-'], { encoding: 'utf8' });
    for (const expected of ['Carl Borger', 'Ugen og indkøb i Netto.', 'Vi handler sammen torsdag.', 'Handle ind selv', 'Holdt']) expect(text).toContain(expected);
    expect(text).not.toContain('+4512345678');

    // "Det skrev vi", once the organisation lets citizens read their notes.
    await h.request('PUT', '/api/organisation/notes-settings', { cookie: cookies.coordinator, body: { citizensReadNotes: true } });
    await carl.goto(`${h.baseUrl}/more`);
    await carl.getByRole('button', { name: 'Det skrev vi' }).click();
    await carl.getByRole('heading', { name: 'Det skrev vi' }).waitFor();
    await carl.getByText('Ugen og indkøb i Netto.').waitFor();
    await carl.getByText(/skrevet af Bo$/).waitFor();
    await atBothSizes(carl, 'det-skrev-vi');
  }, 180_000);

  it('a phone appointment’s note from I dag: typed, reloaded, still there; saved, the appointment is marked held', async () => {
    // Begun ten minutes ago, today: booking refuses the past, so it is written as it would stand.
    const [appointment] = await h.admin<{ id: string }[]>`
      insert into appointments (organisation_id, worker_id, citizen_id, starts_at, ends_at, modality, created_by)
      values (${org.id}, ${org.workerId}, ${org.citizenId}, now() - interval '10 minutes', now() + interval '1 minute', 'phone', ${org.workerId})
      returning id`;
    const worker = await newPage(cookies.worker, { ...SIZES.phone, bypassCSP: true });
    await worker.goto(h.baseUrl);
    await worker.getByRole('heading', { name: 'Notater at skrive' }).waitFor();
    await worker.getByRole('button', { name: /^Skriv notat: Carl Borger/ }).click();
    await worker.getByRole('heading', { name: 'Notat: Carl Borger' }).waitFor();
    await expect.poll(() => new URL(worker.url()).pathname).toMatch(/^\/notes\/[0-9a-f-]{36}$/);
    expect(await worker.getByLabel('Form').inputValue()).toBe('phone');
    await worker.getByLabel('Næste skridt').fill('Bo ringer igen fredag.');
    await worker.getByText('Kladden er gemt.').waitFor();

    await worker.reload();
    await worker.getByRole('heading', { name: 'Notat: Carl Borger' }).waitFor();
    expect(await worker.getByLabel('Næste skridt').inputValue()).toBe('Bo ringer igen fredag.');
    await worker.getByLabel('Holdt').check();
    await worker.getByRole('button', { name: 'Gem notat' }).click();
    await worker.getByText('Notatet er gemt, og aftalen er markeret.').waitFor();
    const [row] = await h.admin`select status from appointments where id = ${appointment!.id}`;
    expect(row!.status).toBe('held');
  }, 120_000);
});
