/**
 * A reverse proxy in front of several Nærvær hosts on this machine, as nginx stands in front of them in production
 * (README, "Several hosts"): /rtc/<host>/… goes to that host (a call's signalling, on the host the call is placed on),
 * everything else to whichever host the load balancer picks — here the host the browser's `naervaer_test_host`
 * cookie names, so a test decides which host serves each person's pages, API and live events; when that host is gone
 * (removed, as a load balancer's health check would), the first one still there.
 * HTTP and WebSocket upgrades; a host that is down answers 502 (as nginx does).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export const TEST_HOST_COOKIE = 'naervaer_test_host';

export interface HostProxy {
  url: string;
  /** Where each host listens (its own port on 127.0.0.1). */
  setHost(hostId: string, port: number): void;
  /** The host is down: nothing more is sent to it (its /rtc/ path answers 502). */
  removeHost(hostId: string): void;
  close(): Promise<void>;
}

function hostOf(request: http.IncomingMessage, hosts: Map<string, number>): number | undefined {
  const rtc = /^\/rtc\/([a-z0-9-]+)\//.exec(request.url ?? '');
  if (rtc) return hosts.get(rtc[1]!);
  const cookie = /(?:^|;\s*)naervaer_test_host=([a-z0-9-]+)/.exec(request.headers.cookie ?? '');
  return (cookie ? hosts.get(cookie[1]!) : undefined) ?? hosts.values().next().value;
}

export async function startHostProxy(): Promise<HostProxy> {
  const hosts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    const port = hostOf(request, hosts);
    if (port === undefined) return void response.writeHead(502).end();
    const upstream = http.request({ host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers, agent: false }, (answer) => {
      // Hop-by-hop headers are the proxy's own, as nginx makes them: passing on the host's "Keep-Alive: timeout=72"
      // had the test's fetch reuse a connection this server had already closed after its own 5 s (ECONNRESET).
      const headers = { ...answer.headers };
      delete headers.connection;
      delete headers['keep-alive'];
      response.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(response);
    });
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  server.on('upgrade', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const port = hostOf(request, hosts);
    if (port === undefined) return void client.destroy();
    const upstream = net.connect(port, '127.0.0.1', () => {
      const lines = [`${request.method} ${request.url} HTTP/1.1`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    sockets.add(upstream).add(client);
    const close = () => {
      upstream.destroy();
      client.destroy();
      sockets.delete(upstream);
      sockets.delete(client);
    };
    upstream.on('error', close).on('close', close);
    client.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setHost: (hostId, port) => void hosts.set(hostId, port),
    removeHost: (hostId) => void hosts.delete(hostId),
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
