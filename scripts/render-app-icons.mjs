// Renders the app's home-screen icons (client/public/icons/*.png) from one drawing, naervaer.svg, with the Chromium
// the tests use. Run once after changing the drawing: `node scripts/render-app-icons.mjs`; the PNGs are committed,
// so a build needs neither a browser nor the network.
//
// "any" icons keep the drawing's rounded corners (transparent outside them); the maskable one and Apple's fill the
// whole square, as the phone cuts its own shape — the two circles stay inside the middle 80 % the spec keeps safe.
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { chromium } from 'playwright-core';

const dir = fileURLToPath(new URL('../client/public/icons/', import.meta.url));
const rounded = readFileSync(`${dir}naervaer.svg`, 'utf8');
const fullBleed = rounded.replace(/ rx="\d+"/, '');
const icons = [
  { file: 'icon-192.png', size: 192, svg: rounded },
  { file: 'icon-512.png', size: 512, svg: rounded },
  { file: 'icon-maskable-512.png', size: 512, svg: fullBleed },
  { file: 'apple-touch-icon.png', size: 180, svg: fullBleed },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  for (const { file, size, svg } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
    await page.screenshot({ path: `${dir}${file}`, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    console.log(`${file} ${size}×${size}`);
  }
} finally {
  await browser.close();
}
