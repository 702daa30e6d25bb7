import type { Browser } from 'playwright-core';
import { freePort } from '../server/db/embedded.js';
import { launchChromium } from '../tests/support/browser.js';
import { startHarness, type Harness, type Org } from '../tests/support/harness.js';
import { NetLab, PROFILES } from '../tests/support/netlab.js';
import { benchCluster } from './cluster.js';

export interface LabServer {
  browser: Browser;
  /** Between the browsers and the media server, on the perfect profile until a benchmark changes it. */
  lab: NetLab;
  h: Harness;
  org: Org;
  workerCookie: string;
  /** Closes the browser, the server, the lab and the database, whatever the benchmark got to. */
  close(): Promise<void>;
}

/**
 * What bench:recovery and bench:citizen-load stand on: the product serving its built client, its media reached only
 * through the impairment lab (listening on 127.0.0.1, announced on 127.0.0.2 where the lab relays), an organisation
 * with its worker signed in, and Chromium with its own 640×480 camera (what is measured at).
 */
export async function startLabServer(): Promise<LabServer> {
  const cluster = await benchCluster();
  const browser = await launchChromium({ camera: 'vga' });
  let lab: NetLab | undefined;
  let h: Harness | undefined;
  const close = async () => {
    await browser.close();
    await h?.close();
    await lab?.close();
    await cluster.stop();
  };
  try {
    const port = await freePort();
    lab = await NetLab.start({ listenHost: '127.0.0.2', targetHost: '127.0.0.1', ports: [port], profile: PROFILES.perfect });
    h = await startHarness({ LOG_LEVEL: 'warn', RTC_PORT: String(port), RTC_LISTEN_IP: '127.0.0.1', RTC_ANNOUNCED_ADDRESS: '127.0.0.2' }, { serve: true });
    const org = await h.seedOrganisation();
    return { browser, lab, h, org, workerCookie: await h.login(org.workerEmail), close };
  } catch (error) {
    await close();
    throw error;
  }
}
