import fs from 'node:fs';
import { MediaServer } from '../sfu/index.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { isWildcardAddress, thisMachinesDefaultRouteAddress, type InterfaceAddress } from './network.js';
import { LOCAL_WORKER_BIN } from './paths.js';

/** The address browsers are told to send media to, and why that one (for the start-up log). */
export interface MediaAddress {
  address: string;
  source: 'configured' | 'listen_ip' | 'default_route' | 'loopback_fallback';
  interface?: string;
}

/**
 * RTC_ANNOUNCED_ADDRESS when set; else RTC_LISTEN_IP when that is one address; else (listening everywhere, the
 * default) the address of the interface with the default route. mediasoup itself would announce the wildcard
 * 0.0.0.0, an ICE candidate no browser can reach, and 127.0.0.1 is no better: Firefox ignores loopback candidates.
 */
export function chooseMediaAddress(
  config: Pick<Config, 'rtcAnnouncedAddress' | 'rtcListenIp'>,
  defaultRoute: () => InterfaceAddress | undefined = thisMachinesDefaultRouteAddress,
): MediaAddress {
  if (config.rtcAnnouncedAddress) return { address: config.rtcAnnouncedAddress, source: 'configured' };
  if (!isWildcardAddress(config.rtcListenIp)) return { address: config.rtcListenIp, source: 'listen_ip' };
  const route = defaultRoute();
  if (route) return { address: route.address, source: 'default_route', interface: route.interface };
  return { address: '127.0.0.1', source: 'loopback_fallback' };
}

/** Starts the SFU with the server's configuration; the one place that translates Config for sfu/. */
export function startMediaServer(config: Config, parentLog: Logger, defaultRoute?: () => InterfaceAddress | undefined): Promise<MediaServer> {
  const log = parentLog.child({ module: 'media' });
  const workerBin = config.mediasoupWorkerBin ?? (fs.existsSync(LOCAL_WORKER_BIN) ? LOCAL_WORKER_BIN : undefined);
  const media = chooseMediaAddress(config, defaultRoute);
  logMediaAddress(media, log);
  if (!workerBin) {
    log.warn("media: running mediasoup's published worker, without our patch's fixes (on a lossy line the picture can freeze for 3 s after a lost packet); run npm run setup, or set MEDIASOUP_WORKER_BIN to a worker built by scripts/build-mediasoup-worker.sh");
  }
  return MediaServer.start({
    workers: config.mediaWorkers,
    ...(workerBin ? { workerBin } : {}),
    listenIp: config.rtcListenIp,
    announcedAddress: media.address,
    basePort: config.rtcPort,
    enableUdp: config.rtcUdp,
    enableTcp: true,
    log,
  });
}

// The messages keep their "media: " prefix: the README's troubleshooting tells operators to look for these words.
function logMediaAddress(media: MediaAddress, log: Logger): void {
  if (media.source === 'default_route') {
    log.warn({ announcedAddress: media.address }, `media: browsers are told to send video to ${media.address} (${media.interface}, the interface with the default route); in production set RTC_ANNOUNCED_ADDRESS to the address browsers reach`);
  } else if (media.source === 'loopback_fallback') {
    log.warn({ announcedAddress: media.address }, 'media: no network interface with a default route, so video works only from browsers on this machine (not Firefox, which ignores 127.0.0.1); set RTC_ANNOUNCED_ADDRESS to the address browsers reach');
  } else {
    log.info({ announcedAddress: media.address }, `media: browsers are told to send video to ${media.address}`);
  }
}
