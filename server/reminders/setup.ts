import type { Sql } from 'postgres';
import { loadSigningKeys, type SigningKey } from '../auth/keys.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { EmailSender, SmsGateway, type Sender } from './senders.js';
import { loadVapidKeys, type VapidKeys } from '../push/keys.js';
import { WebPushSender } from '../push/sender.js';
import { RetentionSchedule } from '../retention/retention.js';
import { retentionStore } from '../retention/store.js';

/**
 * The SMS gateway and mail server this server is configured for (each absent without its settings). Reminders use
 * them through the dispatcher; a worker's "send the sign-in link" (links/routes.ts) sends through them directly.
 */
export function channelSenders(config: Config): { sms?: Sender; email?: Sender } {
  const sms = config.smsGatewayUrl && config.smsGatewayToken ? new SmsGateway(config.smsGatewayUrl, config.smsGatewayToken, config.smsSender) : undefined;
  const email = config.smtpUrl && config.smtpFrom ? new EmailSender(config.smtpUrl, config.smtpFrom) : undefined;
  return { ...(sms ? { sms } : {}), ...(email ? { email } : {}) };
}

/**
 * The dispatcher with the channels this server is configured for (a channel without settings fails visibly). The
 * dispatcher and retention each log through a child of `log`.
 */
export function createDispatcher(
  config: Config,
  sql: Sql,
  log: Logger,
  tuning: { batchSize?: number; concurrency?: number; onOutcomes?: DispatcherOptions['onOutcomes']; retention?: { firstRunMs?: number; intervalMs?: number } } = {},
): Dispatcher {
  // The same keys as the server's (SIGNING_KEYS, or DATA_DIR/keys), so every dispatcher derives the same reminder link.
  let keys: SigningKey[] | undefined;
  const linkKeys = () => (keys ??= loadSigningKeys(config));
  // Push signs with the server's VAPID pair (VAPID_KEYS, or DATA_DIR/keys): the one the citizens' devices subscribed to.
  let vapid: VapidKeys | undefined;
  const push = new WebPushSender(() => (vapid ??= loadVapidKeys(config)), config.publicUrl);
  const { retention, ...dispatcherTuning } = tuning;
  return new DispatcherWithRetention(
    {
      sql, senders: channelSenders(config), push, publicUrl: config.publicUrl, linkKeys, log,
      leaseSeconds: config.dispatchLeaseSeconds, ...dispatcherTuning,
    },
    new RetentionSchedule({ store: retentionStore(sql), log, ...retention }),
  );
}

// Retention (issue 7) runs beside reminder sending: wherever a dispatcher runs — in the server or as its own
// process — personal data past its organisation's limits is removed on schedule, and stops with it.
class DispatcherWithRetention extends Dispatcher {
  constructor(options: DispatcherOptions, private readonly retention: RetentionSchedule) {
    super(options);
  }

  override start(): void {
    super.start();
    this.retention.start();
  }

  override async stop(): Promise<void> {
    await Promise.all([super.stop(), this.retention.stop()]);
  }
}
