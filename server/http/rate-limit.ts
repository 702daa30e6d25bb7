import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/**
 * Fixed-window attempt counter per client address, for sign-in style routes (guessing passwords or link secrets).
 * In-process: with several app instances each counts on its own, which still bounds guessing per instance.
 */
export function attemptLimit(max: number, windowMs = 60_000) {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const now = Date.now();
    if (windows.size > 50_000) for (const [key, w] of windows) if (w.resetAt <= now) windows.delete(key);
    let window = windows.get(request.ip);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      windows.set(request.ip, window);
    }
    window.count += 1;
    if (window.count > max) {
      reply.header('retry-after', String(Math.ceil((window.resetAt - now) / 1000)));
      request.log.warn({ route: request.routeOptions.url }, 'attempt limit reached');
      throw new HttpError(429, 'rate_limited', 'Too many attempts. Wait a minute and try again.');
    }
  };
}
