import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * With SCREENSHOTS=<folder>, saves the page there as <name>.png for a person to look at; otherwise does nothing, so a
 * normal test run writes no files.
 */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const folder = process.env.SCREENSHOTS;
  if (!folder) return;
  fs.mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: path.join(folder, `${name}.png`), ...options });
}
