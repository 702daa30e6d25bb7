import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import { signedInContext } from './calls.js';
import type { Harness } from './harness.js';

export interface BrowserPages {
  /** The file's Chromium, launched in beforeAll: use it inside a test or a hook. */
  readonly browser: Browser;
  /** A page signed in with the cookie (camera and microphone allowed), closed with its context after the test. */
  /** The locale: the argument, else the options', else Danish. */
  newPage(cookie: string, options: BrowserContextOptions, locale?: string): Promise<Page>;
  /** A page the test made itself (its own context, say signed out), to close with its context after the test too. */
  closeAfterTest(page: Page): Page;
}

/**
 * One Chromium for a file of browser tests, and pages that go after each test together with every session left open
 * — a citizen has one open session at a time, so whatever a failed test left open must not refuse the next one.
 */
export function useBrowserPages(h: Harness): BrowserPages {
  let browser: Browser | undefined;
  const opened: Page[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  afterEach(async () => {
    for (const page of opened.splice(0)) await page.context().close();
    await h.admin`update call_sessions set status = 'ended', ended_at = now(), end_reason = 'ended_by_staff' where status = 'open'`;
  });
  const launched = () => {
    if (!browser) throw new Error('Chromium is launched in beforeAll: use it inside a test or a hook');
    return browser;
  };
  return {
    get browser() {
      return launched();
    },
    async newPage(cookie, options, locale) {
      const page = await (await signedInContext(launched(), h.baseUrl, cookie, { ...options, locale: locale ?? options.locale ?? 'da-DK' })).newPage();
      opened.push(page);
      return page;
    },
    closeAfterTest(page) {
      opened.push(page);
      return page;
    },
  };
}
