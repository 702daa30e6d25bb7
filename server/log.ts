/**
 * The one logger: pino, JSON lines on stdout, the same shape from the server, the CLIs, the dispatcher, the media
 * workers and the embedded database. main.ts (or a CLI) makes it once from LOG_LEVEL; modules take a `Logger` and make
 * a child for themselves (`log.child({ module: 'dispatcher' })`). Nothing personal is logged, and the keys below are
 * redacted wherever they turn up by mistake.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** pino's levels, quietest last; LOG_LEVEL takes one of them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Keys whose values never reach a log line, wherever they appear (two levels deep). */
const SENSITIVE = ['email', 'password', 'currentPassword', 'newPassword', 'phone', 'displayName', 'display_name', 'secret', 'token', 'cookie', 'authorization', 'set-cookie'];

/** `stream`: where the lines go instead of stdout (tests collect them). */
export function createLogger(options: { level: LogLevel; stream?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: [...SENSITIVE, ...SENSITIVE.map((k) => `*.${k}`), ...SENSITIVE.map((k) => `*.*.${k}`)], censor: '[redacted]' },
      serializers: {
        // The route pattern, not the concrete URL: no ids or query strings in the log.
        req: (req: { method: string; routeOptions?: { url?: string }; id: string }) => ({ method: req.method, route: req.routeOptions?.url ?? '(unmatched)', id: req.id }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        // Database errors carry the offending values in `detail`; log only what identifies the failure.
        err: (err: Error & { code?: string }) => ({ type: err.name, code: err.code, message: err.message, stack: err.stack ?? '' }),
      },
    },
    // Asynchronous, flushed when the process exits (pino registers that), so process.exit() loses no line.
    options.stream ?? pino.destination({ fd: 1, sync: false }),
  );
}
