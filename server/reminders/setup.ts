import type { Sql } from 'postgres';
import { loadSigningKeys, type SigningKey } from '../auth/keys.js';
import type { Config } from '../config.js';
import { Dispatcher } from './dispatcher.js';
import { EmailSender, SmsGateway } from './senders.js';

/** The dispatcher with the channels this server is configured for (a channel without settings fails visibly). */
export function createDispatcher(
  config: Config,
  sql: Sql,
  log: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void,
  tuning: { leaseSeconds?: number; batchSize?: number; concurrency?: number } = {},
): Dispatcher {
  const sms = config.smsGatewayUrl && config.smsGatewayToken ? new SmsGateway(config.smsGatewayUrl, config.smsGatewayToken, config.smsSender) : undefined;
  const email = config.smtpUrl && config.smtpFrom ? new EmailSender(config.smtpUrl, config.smtpFrom) : undefined;
  // The same keys as the server's (SIGNING_KEYS, or DATA_DIR/keys), so every dispatcher derives the same reminder link.
  let keys: SigningKey[] | undefined;
  const linkKeys = () => (keys ??= loadSigningKeys(config));
  return new Dispatcher({ sql, senders: { ...(sms ? { sms } : {}), ...(email ? { email } : {}) }, publicUrl: config.publicUrl, linkKeys, log, ...tuning });
}
