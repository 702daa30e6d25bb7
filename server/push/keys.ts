/**
 * The server's VAPID key pair (RFC 8292): push services accept a message for a device only when it is signed with the
 * key the device subscribed with. Kept like the session signing keys (auth/keys.ts): given in VAPID_KEYS, or generated
 * once into DATA_DIR/keys/vapid-keys.json (mode 600). Changing it silently breaks every subscription, so it is never
 * rotated by itself; every app instance and dispatcher must use the same pair.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface VapidKeys {
  /** Uncompressed P-256 point (65 bytes), base64url: what browsers take as applicationServerKey. */
  publicKey: string;
  /** The private scalar (32 bytes), base64url. */
  privateKey: string;
}

export function vapidKeysFile(dataDir: string): string {
  return path.join(dataDir, 'keys', 'vapid-keys.json');
}

export function newVapidKeys(): VapidKeys {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { publicKey: point.toString('base64url'), privateKey: jwk.d! };
}

/** `vapidKeys`: VAPID_KEYS, `publicKey:privateKey` in base64url (checked by config.ts). */
export function loadVapidKeys(settings: { vapidKeys: string | undefined; dataDir: string }): VapidKeys {
  if (settings.vapidKeys) {
    const [publicKey, privateKey] = settings.vapidKeys.split(':') as [string, string];
    return { publicKey, privateKey };
  }
  const file = vapidKeysFile(settings.dataDir);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as VapidKeys;
  const keys = newVapidKeys();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written under a temporary name and linked into place: link() refuses an existing file, so when a server and a
  // dispatcher start together the first one's pair wins, nobody reads half a file, and both read back the same pair.
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as VapidKeys;
}
