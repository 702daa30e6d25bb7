import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import type { SigningKey } from './keys.js';

// Pinned: a token whose header says anything else (none, RS256, …) is refused before any key is looked at.
const ALGORITHM = 'HS256';
const ISSUER = 'naervaer';

export type Audience = 'session' | 'signal';

export interface TokenClaims {
  /** user id */
  sub: string;
  /** organisation id */
  org: string;
  role: string;
  /** auth session id, checked against the database so that sign-out really ends the session (room tokens too) */
  sid: string;
  /** Room tokens only: the call session the token admits to. */
  call?: string;
  /** Room tokens only, with several hosts: the host the call is placed on (only that host lets the token in). */
  host?: string;
}

export class TokenService {
  constructor(private readonly keys: SigningKey[]) {
    if (keys.length === 0) throw new Error('no signing keys');
  }

  async sign(claims: TokenClaims, audience: Audience, expiresAt: Date): Promise<string> {
    const key = this.keys[0]!;
    return new SignJWT({ org: claims.org, role: claims.role, sid: claims.sid, ...(claims.call === undefined ? {} : { call: claims.call }), ...(claims.host === undefined ? {} : { host: claims.host }) })
      .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(key.secret);
  }

  /** Returns the claims of a valid token, or undefined for anything tampered, expired, foreign or malformed. */
  async verify(token: string, audience: Audience): Promise<TokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = this.keys.find((k) => k.kid === header.kid);
          if (!key) throw new Error('unknown key id');
          return key.secret;
        },
        { algorithms: [ALGORITHM], issuer: ISSUER, audience, requiredClaims: ['sub', 'exp', 'iat'] },
      );
      return claimsOf(payload);
    } catch {
      return undefined;
    }
  }
}

function claimsOf(payload: JWTPayload): TokenClaims | undefined {
  const { sub, org, role, sid, call, host } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || typeof org !== 'string' || typeof role !== 'string' || typeof sid !== 'string') return undefined;
  if ((call !== undefined && typeof call !== 'string') || (host !== undefined && typeof host !== 'string')) return undefined;
  return { sub, org, role, sid, ...(call === undefined ? {} : { call }), ...(host === undefined ? {} : { host }) };
}
