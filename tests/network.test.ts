import type os from 'node:os';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { chooseMediaAddress, startMediaServer } from '../server/media.js';
import { defaultRouteAddress, defaultRouteInterfaces, thisMachinesDefaultRouteAddress } from '../server/network.js';

/** A laptop with Docker: a default route over wlan0 (metric 600), a lower-metric one over eth0, and a bridge. */
const ROUTES = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
  'eth0\t00000000\t01000A0A\t0003\t0\t0\t100\t00000000\t0\t0\t0',
  'eth0\t00000A0A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
  'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
  'wlan0\t0000A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0',
  '',
].join('\n');

const info = (address: string, family: 'IPv4' | 'IPv6', internal = false): os.NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as os.NetworkInterfaceInfo;

const INTERFACES: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
  lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
  eth0: [info('fe80::1', 'IPv6'), info('10.10.0.23', 'IPv4')],
  wlan0: [info('192.168.1.40', 'IPv4')],
  docker0: [info('172.17.0.1', 'IPv4')],
};

describe('the address of the interface with the default route', () => {
  it('reads the default routes from /proc/net/route, lowest metric first, ignoring other routes', () => {
    expect(defaultRouteInterfaces(ROUTES)).toEqual(['eth0', 'wlan0']);
  });

  it("is that interface's IPv4 address, not its IPv6 one, a bridge's, or loopback", () => {
    expect(defaultRouteAddress(ROUTES, INTERFACES)).toEqual({ address: '10.10.0.23', interface: 'eth0' });
  });

  it('takes the next default route when the best one has no IPv4 address', () => {
    expect(defaultRouteAddress(ROUTES, { ...INTERFACES, eth0: [info('fe80::1', 'IPv6')] })).toEqual({ address: '192.168.1.40', interface: 'wlan0' });
  });

  it('ignores a default route that is down', () => {
    const down = ROUTES.replace('eth0\t00000000\t01000A0A\t0003', 'eth0\t00000000\t01000A0A\t0002');
    expect(defaultRouteInterfaces(down)).toEqual(['wlan0']);
  });

  it('is undefined on a machine without a default route (offline)', () => {
    const offline = ROUTES.split('\n').filter((line) => !/\t00000000\t[0-9A-F]{8}\t0003/.test(line)).join('\n');
    expect(defaultRouteInterfaces(offline)).toEqual([]);
    expect(defaultRouteAddress(offline, INTERFACES)).toBeUndefined();
    expect(defaultRouteAddress('', INTERFACES)).toBeUndefined();
  });
});

describe('the media address announced to browsers', () => {
  const eth0 = () => ({ address: '10.10.0.23', interface: 'eth0' });

  it('on the defaults (listen everywhere, nothing announced) is the default-route address, never 0.0.0.0 or loopback', () => {
    expect(chooseMediaAddress(parseConfig({}), eth0)).toEqual({ address: '10.10.0.23', source: 'default_route', interface: 'eth0' });
  });

  it('falls back to 127.0.0.1 only when there is no default route', () => {
    expect(chooseMediaAddress(parseConfig({}), () => undefined)).toEqual({ address: '127.0.0.1', source: 'loopback_fallback' });
  });

  it('is RTC_LISTEN_IP when that is one specific address, and RTC_ANNOUNCED_ADDRESS above all', () => {
    expect(chooseMediaAddress(parseConfig({ RTC_LISTEN_IP: '10.10.0.99' }), eth0)).toEqual({ address: '10.10.0.99', source: 'listen_ip' });
    expect(chooseMediaAddress(parseConfig({ RTC_ANNOUNCED_ADDRESS: '203.0.113.10' }), eth0)).toEqual({ address: '203.0.113.10', source: 'configured' });
    expect(chooseMediaAddress(parseConfig({ RTC_ANNOUNCED_ADDRESS: 'video.kommune.dk', RTC_LISTEN_IP: '10.10.0.99' }), eth0).address).toBe('video.kommune.dk');
  });

  it('is what a real media server offers browsers as ICE candidates on the defaults, and the start-up log says so', async () => {
    const logged: string[] = [];
    const write = (line: string) => {
      const { level, msg } = JSON.parse(line) as { level: number; msg: string };
      logged.push(`${pino.levels.labels[level]}: ${msg}`);
    };
    const log = createLogger({ level: 'info', stream: { write } });
    // RTC_PORT=0: the default 20000 may be held by another test or a developer's running server.
    const media = await startMediaServer(parseConfig({ MEDIA_WORKERS: '1', RTC_PORT: '0' }), log);
    try {
      const room = await media.openRoom('network-test');
      const transport = await room.join('peer-1').createTransport('recv');
      const route = thisMachinesDefaultRouteAddress();
      const expected = route?.address ?? '127.0.0.1';
      expect(transport.iceCandidates.length).toBeGreaterThan(0);
      expect(transport.iceCandidates.map((c) => c.address)).toEqual(transport.iceCandidates.map(() => expected));
      expect(logged.join('\n')).toContain(route ? `warn: media: browsers are told to send video to ${expected}` : 'warn: media: no network interface with a default route');
      expect(logged.join('\n')).toContain('set RTC_ANNOUNCED_ADDRESS');
    } finally {
      await media.close();
    }
  });
});
