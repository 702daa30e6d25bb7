import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth.js';
import { HttpError } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF: browsers always send Origin on cross-site state-changing requests, so a mutating call must come from our
 * own origin. A request without Origin is accepted only when it carries no session cookie (scripts, curl).
 * Every mutating request is checked, whatever its URL looks like: the router decodes `/%61pi/…`, `//api/…`,
 * `/api/./…` and absolute-form targets to the same route, so a test on the raw URL would miss them.
 */
export function checkOrigin(publicOrigin: string) {
  return async (request: FastifyRequest) => {
    if (SAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    const fetchSite = request.headers['sec-fetch-site'];
    if (origin !== undefined ? origin !== publicOrigin : request.cookies[SESSION_COOKIE] !== undefined || fetchSite === 'cross-site') {
      // Said plainly in the log: the usual cause is a browser on another address than PUBLIC_URL (a LAN IP, a proxy
      // name), which the IT person must be able to see. An origin is a site, not a person.
      request.log.warn({ origin: origin?.slice(0, 100) ?? null, publicUrl: publicOrigin }, 'refused (csrf): the request did not come from PUBLIC_URL');
      throw new HttpError(403, 'csrf', 'Request refused: it did not come from this site');
    }
  };
}

// No third-party origin anywhere: everything the client needs is served by this server (GDPR: no CDNs, no fonts).
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(https: boolean) {
  return async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('content-security-policy', CSP);
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(self), microphone=(self), geolocation=(), payment=(), usb=()');
    if (https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // Nothing is stored by a browser or proxy unless the route said otherwise (hashed assets, the app shell, the
    // calendar feed): decided per response, not by URL prefix, so an encoded or odd path to an API route is covered.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  };
}
