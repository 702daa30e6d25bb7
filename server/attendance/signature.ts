/**
 * GatewayAPI signs each webhook call with a JWT in the X-Gwapi-Signature header: HS256 with the secret set on the
 * webhook, its claims the same fields as the body. We pin the algorithm, check the signature, and refuse a token that
 * has expired (`exp`), or — as GatewayAPI's tokens may carry no `exp` — one issued (`iat`, else the message's
 * `senttime`) more than a day ago: GatewayAPI gives up redelivering after about 24 hours, so anything older is a
 * replay. The claims, not the body, are what the caller then believes.
 */
import { errors, jwtVerify, type JWTPayload } from 'jose';

/** GatewayAPI retries a failing webhook for about a day; a token older than this is not a delivery. */
const MAX_AGE_SECONDS = 24 * 3600;
/** Clocks differ a little between GatewayAPI and us. */
const CLOCK_SKEW_SECONDS = 300;

export interface SignedMessage {
  id: number;
  msisdn: number;
  message: string;
}

export type SignatureCheck = { ok: true; claims: SignedMessage } | { ok: false; why: 'missing' | 'invalid' | 'expired' | 'not_configured' };

export async function verifyGatewaySignature(header: string | string[] | undefined, secret: string | undefined, now = Date.now()): Promise<SignatureCheck> {
  if (!secret) return { ok: false, why: 'not_configured' };
  if (typeof header !== 'string' || header.length === 0 || header.length > 8192) return { ok: false, why: 'missing' };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(header, new TextEncoder().encode(secret), {
      algorithms: ['HS256'], clockTolerance: CLOCK_SKEW_SECONDS, currentDate: new Date(now),
    }));
  } catch (error) {
    return { ok: false, why: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
  const issued = typeof payload.iat === 'number' ? payload.iat : payload.senttime;
  const nowSeconds = now / 1000;
  if (typeof issued !== 'number' || issued > nowSeconds + CLOCK_SKEW_SECONDS) return { ok: false, why: 'invalid' };
  if (payload.exp === undefined && nowSeconds - issued > MAX_AGE_SECONDS) return { ok: false, why: 'expired' };
  const { id, msisdn, message } = payload;
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(msisdn) || typeof message !== 'string') return { ok: false, why: 'invalid' };
  return { ok: true, claims: { id: id as number, msisdn: msisdn as number, message } };
}
