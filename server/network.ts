import fs from 'node:fs';
import os from 'node:os';

/** An IPv4 address of this machine and the interface it belongs to. */
export interface InterfaceAddress {
  address: string;
  interface: string;
}

/** Routing flag "route is up" (RTF_UP in linux/route.h). */
const RTF_UP = 0x1;

/**
 * Interfaces that carry a default route (destination 0.0.0.0/0), best (lowest metric) first, from the text of
 * Linux's `/proc/net/route`: a header line, then one tab-separated line per route with hexadecimal fields.
 */
export function defaultRouteInterfaces(procNetRoute: string): string[] {
  const routes: { iface: string; metric: number }[] = [];
  for (const line of procNetRoute.split('\n').slice(1)) {
    const [iface, destination, , flags, , , metric, mask] = line.trim().split(/\s+/);
    if (!iface || mask === undefined) continue;
    if (Number.parseInt(destination!, 16) !== 0 || Number.parseInt(mask, 16) !== 0) continue;
    if ((Number.parseInt(flags!, 16) & RTF_UP) === 0) continue;
    routes.push({ iface, metric: Number.parseInt(metric!, 10) || 0 });
  }
  return routes.sort((a, b) => a.metric - b.metric).map((r) => r.iface);
}

/**
 * The IPv4 address of the interface with the default route: the address other machines on the network — and this
 * machine's own browsers — can send media to. Loopback is no answer: Firefox ignores loopback ICE candidates.
 * Undefined when there is no default route (an offline machine) or that interface has no usable IPv4 address.
 */
export function defaultRouteAddress(
  procNetRoute: string,
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>,
): InterfaceAddress | undefined {
  for (const iface of defaultRouteInterfaces(procNetRoute)) {
    const usable = (interfaces[iface] ?? []).find(
      (info) => info.family === 'IPv4' && !info.internal && !info.address.startsWith('169.254.'),
    );
    if (usable) return { address: usable.address, interface: iface };
  }
  return undefined;
}

/** The same, read from this machine (Linux); undefined where `/proc/net/route` does not exist. */
export function thisMachinesDefaultRouteAddress(): InterfaceAddress | undefined {
  let routes: string;
  try {
    routes = fs.readFileSync('/proc/net/route', 'utf8');
  } catch {
    return undefined;
  }
  return defaultRouteAddress(routes, os.networkInterfaces());
}

/** Listening on every interface: nothing in that address tells a browser where to send media. */
export function isWildcardAddress(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}
