/**
 * `npm run keys:rotate`: add a new signing key in DATA_DIR/keys. New sessions are signed with it; older keys keep
 * verifying existing sessions. `npm run keys:rotate -- --prune` drops all but the newest key (signs everyone out
 * whose session was signed with an older one). Restart the server after either.
 */
import { parseConfig } from '../config.js';
import { newStoredKey, readStoredKeys, writeKeys } from '../auth/keys.js';
import { createLogger } from '../log.js';

const config = parseConfig(process.env);
if (config.signingKeys) {
  console.error('SIGNING_KEYS is set in the environment: rotate there (put a new kid:secret pair first).');
  process.exit(1);
}
const log = createLogger({ level: config.logLevel });
const keys = readStoredKeys(config.dataDir);
const next = process.argv.includes('--prune') ? keys.slice(0, 1) : [newStoredKey(), ...keys];
writeKeys(config.dataDir, next);
// Key ids and dates only: the secrets never reach a log line.
log.info({ keys: next.map((k) => ({ kid: k.kid, createdAt: k.createdAt })) }, 'signing keys written (newest first); restart the server to use them');
