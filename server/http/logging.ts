import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

/** Keys whose values never reach a log line, wherever they appear (two levels deep). */
const SENSITIVE = ['email', 'password', 'currentPassword', 'newPassword', 'phone', 'displayName', 'display_name', 'secret', 'token', 'cookie', 'authorization', 'set-cookie'];

export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: [...SENSITIVE, ...SENSITIVE.map((k) => `*.${k}`), ...SENSITIVE.map((k) => `*.*.${k}`)], censor: '[redacted]' },
    serializers: {
      // The route pattern, not the concrete URL: no ids or query strings in the log.
      req: (req: { method: string; routeOptions?: { url?: string }; id: string }) => ({ method: req.method, route: req.routeOptions?.url ?? '(unmatched)', id: req.id }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      // Database errors carry the offending values in `detail`; log only what identifies the failure.
      err: (err: Error & { code?: string }) => ({ type: err.name, code: err.code, message: err.message, stack: err.stack ?? '' }),
    },
  };
}
