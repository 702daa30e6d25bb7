/**
 * GET /metrics for Prometheus, outside the API (it is not part of the contract the client compiles against). It is
 * answered only when METRICS_TOKEN is set, and only to a scraper that sends it as a bearer token: the figures hold no
 * personal data, but how busy a municipality's service is, is nobody else's business either.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { HttpError } from '../http/errors.js';
import type { App } from '../http/types.js';
import type { Metrics } from './metrics.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function metricsRoutes(app: App, metrics: Metrics | undefined, token: string | undefined): void {
  const expected = token ? digest(token) : undefined;
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (!metrics || !expected) throw new HttpError(404, 'not_found', 'Metrics are not enabled (set METRICS_TOKEN)');
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    // Compared as fixed-length digests, in constant time: the answer's timing says nothing about the token.
    if (!given || !timingSafeEqual(digest(given), expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new HttpError(401, 'unauthorized', 'Send METRICS_TOKEN as a bearer token');
    }
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
