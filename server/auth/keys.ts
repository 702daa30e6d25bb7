import { randomBytes } from 'node:crypto';
import { newSecret } from './secrets.js';
import fs from 'node:fs';
import path from 'node:path';

/**
 * HMAC keys for session and room tokens. The first key signs; all keys verify, so a rotated-out key keeps existing
 * sessions valid until they expire. Either given in SIGNING_KEYS or generated once into DATA_DIR/keys.
 */
export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

export interface StoredKey {
  kid: string;
  secret: string;
  createdAt: string;
}

export function keysFile(dataDir: string): string {
  return path.join(dataDir, 'keys', 'signing-keys.json');
}

export function newStoredKey(): StoredKey {
  return { kid: randomBytes(6).toString('base64url'), secret: newSecret(), createdAt: new Date().toISOString() };
}

export function writeKeys(dataDir: string, keys: StoredKey[]): void {
  const file = keysFile(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify({ keys }, null, 2), { mode: 0o600 });
  fs.renameSync(temp, file);
}

export function readStoredKeys(dataDir: string): StoredKey[] {
  const file = keysFile(dataDir);
  if (!fs.existsSync(file)) return [];
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: StoredKey[] }).keys;
}

export function loadSigningKeys(settings: { signingKeys: string | undefined; dataDir: string }): SigningKey[] {
  let stored: { kid: string; secret: string }[];
  if (settings.signingKeys) {
    stored = settings.signingKeys.split(',').map((pair) => {
      const [kid, secret] = pair.split(':') as [string, string];
      return { kid, secret };
    });
  } else {
    stored = readStoredKeys(settings.dataDir);
    if (stored.length === 0) {
      const first = newStoredKey();
      writeKeys(settings.dataDir, [first]);
      stored = [first];
    }
  }
  return stored.map((k) => ({ kid: k.kid, secret: new Uint8Array(Buffer.from(k.secret, 'base64url')) }));
}
