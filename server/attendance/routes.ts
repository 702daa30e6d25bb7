/**
 * The morning attendance check over HTTP (issue 11): the day's checks and switching one, for staff; and the SMS
 * gateway's incoming-message webhook, public but signed. The webhook answers 200 for every correctly signed call,
 * whether the number belongs to anyone or not, so it tells a caller nothing about who uses Nærvær.
 */
import { unauthorized } from '../http/errors.js';
import { attemptLimit } from '../http/rate-limit.js';
import { route } from '../http/route.js';
import type { App, FeatureDeps } from '../http/types.js';
import { verifyGatewaySignature } from './signature.js';

/** Incoming SMS per minute per sending address: the gateway's own few addresses, with room for a busy morning. */
const WEBHOOK_PER_MINUTE = 600;

export function attendanceRoutes(app: App, { config }: FeatureDeps): void {
  const store = app.attendance;

  route(app, 'GET /api/attendance-checks', async ({ auth, query }) => store.day(auth, query.from));

  route(app, 'PUT /api/appointments/:appointmentId/attendance-check', async ({ auth, params, body }) => store.set(auth, params.appointmentId, body.on));

  route(app, 'POST /api/sms/incoming', async ({ body, request }) => {
    const signature = await verifyGatewaySignature(request.headers['x-gwapi-signature'], config.smsWebhookSecret);
    if (!signature.ok) {
      request.log.warn({ why: signature.why }, 'incoming SMS refused');
      throw unauthorized(signature.why === 'expired' ? 'The signature has expired' : 'A valid X-Gwapi-Signature is required');
    }
    // The body must be what was signed; then only the signed number and text are used.
    const { claims } = signature;
    if (claims.id !== body.id || claims.msisdn !== body.msisdn || claims.message !== body.message) {
      request.log.warn({ why: 'body differs from the signed claims' }, 'incoming SMS refused');
      throw unauthorized('A valid X-Gwapi-Signature is required');
    }
    const answered = await store.reply(`+${claims.msisdn}`, String(claims.id), claims.message);
    if (answered) app.events.toUser(answered.workerId, 'attendanceChanged');
    return { received: true as const };
  }, { onRequest: attemptLimit(WEBHOOK_PER_MINUTE) });
}
