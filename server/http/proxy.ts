import net from 'node:net';
import type { TrustProxy } from '../config.js';

// Loopback, private (RFC 1918, unique local) and link-local networks: where a reverse proxy in front of us lives.
const PRIVATE_NETWORKS = new net.BlockList();
for (const [network, prefix] of [['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['169.254.0.0', 16]] as const) {
  PRIVATE_NETWORKS.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) PRIVATE_NETWORKS.addSubnet(network, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (net.isIPv4(v4)) return PRIVATE_NETWORKS.check(v4, 'ipv4');
  return net.isIPv6(v4) && PRIVATE_NETWORKS.check(v4, 'ipv6');
}

/**
 * Fastify's `trustProxy` for TRUST_PROXY. A number N believes the last N X-Forwarded-For hops, and only while each
 * of them comes from a private network: a client that reaches the app port directly from the internet cannot pose as
 * a proxy and choose its own address. (Fastify itself treats a bare number as "trust nothing".) A list of addresses
 * or CIDRs is handed to Fastify as it is.
 */
export function trustProxyOption(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false || Array.isArray(trust)) return trust;
  const hops = trust;
  return (address, hop) => hop < hops && isPrivateAddress(address);
}
