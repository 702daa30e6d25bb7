/// <reference lib="dom" />
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';

/** The two screens issue 9 checks every screen on: a 360×740 touch phone and a 1280×800 laptop. */
export const SIZES = {
  phone: { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true },
  laptop: { viewport: { width: 1280, height: 800 } },
} satisfies Record<string, BrowserContextOptions>;

/** The app's languages as a browser announces them. */
export const LOCALE = { da: 'da-DK', en: 'en-GB', sv: 'sv-SE' } as const;
export type Locale = keyof typeof LOCALE;

/**
 * The languages a screen is checked in at each size: Danish on the phone and on the laptop. Swedish is checked at both
 * sizes by tests/e2e/languages.test.ts (its words are the longest), and every language's texts are checked complete by
 * tests/i18n.test.ts; axe's rules do not depend on the language. SCREEN_MATRIX=full checks every language at every size
 * (before a release, or after a change to the layout): each combination is a browser visit, and the suite has a time
 * limit.
 */
export function localesAt(_size: keyof typeof SIZES): Locale[] {
  if (process.env.SCREEN_MATRIX === 'full') return ['da', 'en', 'sv'];
  return ['da'];
}

/** The same as (size, language) pairs: ['phone', 'da'], ['laptop', 'da'] (all six with SCREEN_MATRIX=full). */
export const SCREEN_COMBINATIONS: readonly (readonly ['phone' | 'laptop', Locale])[] = (['phone', 'laptop'] as const).flatMap((size) => localesAt(size).map((locale) => [size, locale] as const));

/**
 * What is wrong with a screen as a person meets it: sideways scrolling, and controls that are smaller than 44×44 px or
 * not the topmost element at their centre once scrolled to (so a finger or a mouse would hit something else, such as
 * a bottom tab bar over them). A radio button or checkbox counts with its label: the label is what a finger presses.
 * Controls inside a closed panel (hidden) do not count: they cannot be reached.
 */
export function controlProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > innerWidth) problems.push(`scrolls sideways: ${document.documentElement.scrollWidth} > ${innerWidth}`);
    const controls = [...document.querySelectorAll<HTMLElement>('main button, main a[href], main select, main input, main textarea, nav a[href], header button, header select')]
      .filter((c) => c.checkVisibility());
    if (controls.length === 0) problems.push('no controls');
    for (const control of controls) {
      const target = control instanceof HTMLInputElement && ['radio', 'checkbox'].includes(control.type) ? control.closest('label') ?? control : control;
      const name = (control.getAttribute('aria-label') ?? target.textContent ?? control.getAttribute('name') ?? control.tagName).trim().slice(0, 40);
      target.scrollIntoView({ block: 'center' });
      const r = target.getBoundingClientRect();
      if (r.width < 44 || r.height < 44) problems.push(`${name}: ${Math.round(r.width)}×${Math.round(r.height)} px`);
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      // A label's text is part of its field: pressing it reaches the field.
      if (!hit || !(target.contains(hit) || hit.contains(target) && hit.tagName === 'LABEL')) problems.push(`${name}: covered by ${hit?.outerHTML.slice(0, 80)}`);
    }
    window.scrollTo(0, 0);
    return problems;
  });
}

/** Whether a control is on screen without scrolling (the page at its top) and is what a press at its centre hits. */
export async function visibleWithoutScrolling(control: Locator): Promise<boolean> {
  await control.page().evaluate(() => window.scrollTo(0, 0));
  return control.evaluate((element) => {
    const r = element.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && element.contains(hit);
  });
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The distance in px between two boxes (0 when they touch or overlap). */
export function boxDistance(a: Box, b: Box): number {
  const dx = Math.max(0, b.x - (a.x + a.width), a.x - (b.x + b.width));
  const dy = Math.max(0, b.y - (a.y + a.height), a.y - (b.y + b.height));
  return Math.hypot(dx, dy);
}

/**
 * An element's box on the page (not the viewport), so it can be compared with another after the page scrolled — or
 * after the element itself is gone (a button that disappears once it did its work).
 */
export async function pageBox(element: Locator): Promise<Box> {
  await element.scrollIntoViewIfNeeded();
  const box = await element.boundingBox();
  if (!box) throw new Error('the element is not displayed');
  const scroll = await element.page().evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
  return { ...box, x: box.x + scroll.x, y: box.y + scroll.y };
}

/** The distance in px between two elements' boxes as shown now. */
export async function distance(a: Locator, b: Locator): Promise<number> {
  const [ra, rb] = [await a.boundingBox(), await b.boundingBox()];
  if (!ra || !rb) throw new Error('an element is not displayed');
  return boxDistance(ra, rb);
}

/**
 * Resolves once the page's controls and videos stop moving: the same boxes over five animation frames in a row (after
 * a resize the layout and a video's size follow over a few frames). Fails after five seconds of movement.
 */
export async function layoutSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { layoutSettle?: { last: string; same: number } };
    const boxes = [...document.querySelectorAll('button, a[href], video, main, [role="toolbar"]')]
      .map((e) => { const r = e.getBoundingClientRect(); return `${r.x},${r.y},${r.width},${r.height}`; }).join(';');
    const state = w.layoutSettle ?? { last: '', same: 0 };
    state.same = boxes === state.last ? state.same + 1 : 0;
    state.last = boxes;
    w.layoutSettle = state;
    if (state.same < 5) return false;
    delete w.layoutSettle;
    return true;
  }, undefined, { polling: 'raf', timeout: 5000 });
}
