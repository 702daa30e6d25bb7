import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (sign-in and reminder links, join sessions, calendar feeds): 256 random bits as 43 base64url
 * characters, and the SHA-256 that is all the database keeps of them. A high-entropy secret needs no salt or slow hash.
 */
export const newSecret = (): string => randomBytes(32).toString('base64url');
export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest();
