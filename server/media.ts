import fs from 'node:fs';
import { MediaServer } from '../sfu/index.js';
import type { Config } from './config.js';
import { LOCAL_WORKER_BIN } from './paths.js';

/** Starts the SFU with the server's configuration; the one place that translates Config for sfu/. */
export function startMediaServer(config: Config, log: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void): Promise<MediaServer> {
  const workerBin = config.mediasoupWorkerBin ?? (fs.existsSync(LOCAL_WORKER_BIN) ? LOCAL_WORKER_BIN : undefined);
  return MediaServer.start({
    workers: config.mediaWorkers,
    ...(workerBin ? { workerBin } : {}),
    listenIp: config.rtcListenIp,
    ...(config.rtcAnnouncedAddress ? { announcedAddress: config.rtcAnnouncedAddress } : {}),
    basePort: config.rtcPort,
    enableUdp: config.rtcUdp,
    enableTcp: true,
    log,
  });
}
