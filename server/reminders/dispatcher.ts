import type { Sql } from 'postgres';
import type { SigningKey } from '../auth/keys.js';
import type { Tx } from '../db/database.js';
import { readyJoinSecret, reminderJoinSecret, reminderLinkUrl } from '../links/links.js';
import type { Logger } from '../log.js';
import type { PushSender } from '../push/sender.js';
import { pushSubscriptionsOf, type StoredPushSubscription } from '../push/store.js';
import { composeAttendanceCheck, composeReminder } from './compose.js';
import { outbox } from './outbox.js';
import { SendError, type Sender } from './senders.js';
import { readyMessage, readyPush } from './ready-text.js';
import { dispatchStore, type ReminderToSend, type SendOutcome } from './store.js';

/** A claimed reminder made ready to send, in its organisation's transaction. */
interface Prepared {
  row: ReminderToSend;
  /** No longer wanted: recorded as cancelled, not sent (`why`, when there is more to say than that). */
  stale: boolean;
  why?: string;
  /** The phone number or e-mail address (SMS and e-mail). */
  to: string | null;
  words: { subject: string; text: string };
  /** The citizen's devices (push). */
  devices: StoredPushSubscription[];
  push?: ReturnType<typeof readyPush>;
}

export interface DispatcherOptions {
  sql: Sql;
  senders: { sms?: Sender; email?: Sender };
  /** Web Push for "ready" notices (server/push/sender.ts). */
  push?: PushSender;
  publicUrl: URL;
  /** The server's signing keys, newest first: reminder join links are derived from them (read when first needed). */
  linkKeys: () => readonly SigningKey[];
  /** The dispatcher logs through a child of this (`module: 'dispatcher'`). */
  log: Logger;
  batchSize?: number;
  /** How long a claimed reminder is ours (DISPATCH_LEASE_SECONDS); a dispatcher that dies mid-batch frees its rows after this. */
  leaseSeconds: number;
  intervalMs?: number;
  concurrency?: number;
  /** Each batch's results, for monitoring (server/metrics/): results only, nothing about whom they were for. */
  onOutcomes?: (outcomes: readonly SendOutcome[]) => void;
}

const MAX_ATTEMPTS = 6;
/** The escalation SMS of an unanswered contact request (issue 10): it names no one; the duty screen shows who. */
export const DUTY_ESCALATION_TEXT = 'Nærvær: en borger venter på svar i vagtkøen.';
/** A "ready" notice not sent within this after the session opened is not sent at all: it would only confuse. */
const READY_FRESH_MS = 15 * 60_000;
/** The wait before attempt n + 1: 15 s doubling per attempt up to an hour, with ±20 % jitter so retries spread out. */
export const backoffMs = (attempts: number) => Math.min(3600_000, 15_000 * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4);

/**
 * Sends due reminders. Any number may run at once (in the server, and as `npm run dispatcher`): rows are claimed
 * with FOR UPDATE SKIP LOCKED plus a lease. Every attempt carries the reminder's idempotency key, so a crash
 * between "sent" and "marked sent" does not make a duplicate at the provider.
 */
export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private lastPlanned = 0;
  private readonly log: Logger;
  private readonly store: ReturnType<typeof dispatchStore>;

  constructor(private readonly options: DispatcherOptions) {
    this.log = options.log.child({ module: 'dispatcher' });
    this.store = dispatchStore(options.sql);
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.drain()
        .catch((error: unknown) => this.log.error({ err: error }, 'reminder dispatch failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs ?? 1000);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Sends batches until nothing is due. Returns how many reminders were handled. */
  async drain(): Promise<number> {
    let total = 0;
    await this.planMedication();
    for (;;) {
      const handled = await this.runOnce();
      total += handled;
      if (handled === 0 || this.stopped) return total;
    }
  }

  /** Keeps medication reminders planned two days ahead (cheap to repeat: keys make it idempotent). */
  private async planMedication(): Promise<void> {
    if (Date.now() - this.lastPlanned < 10 * 60_000) return;
    this.lastPlanned = Date.now();
    await outbox.planAllMedication(this.options.sql);
  }

  async runOnce(): Promise<number> {
    const claimed = await this.store.claimDue(this.options.batchSize ?? 200, this.options.leaseSeconds);
    if (claimed.length === 0) return 0;
    const byOrg = new Map<string, string[]>();
    for (const c of claimed) byOrg.set(c.organisation_id, [...(byOrg.get(c.organisation_id) ?? []), c.reminder_id]);
    await Promise.all([...byOrg].map(([org, ids]) => this.sendForOrganisation(org, ids)));
    return claimed.length;
  }

  private async sendForOrganisation(org: string, ids: string[]): Promise<void> {
    const prepared = await this.store.withClaimed(org, ids, (tx, row) => this.prepare(tx, org, row));
    const outcomes: SendOutcome[] = [];
    const queue = [...prepared];
    const workers = Array.from({ length: Math.min(this.options.concurrency ?? 16, queue.length) }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) outcomes.push(await this.deliver(item));
    });
    await Promise.all(workers);
    if (outcomes.length === 0) return;
    await this.store.record(org, outcomes);
    this.options.onOutcomes?.(outcomes);
    const failed = outcomes.filter((o) => o.result === 'failed').length;
    if (failed > 0) this.log.warn({ count: failed }, 'reminders failed for good');
  }

  private async prepare(tx: Tx, organisationId: string, row: ReminderToSend): Promise<Prepared> {
    if (row.kind === 'call_ready') return this.prepareReady(tx, organisationId, row);
    if (row.kind === 'duty_escalation') {
      // To the shift's duty phone (or a coordinator's), naming no one; not sent once someone has taken the request.
      const stale = row.request_status !== 'waiting';
      return { row, stale, why: stale ? 'the request was taken or cancelled' : undefined, to: row.recipient_phone, words: { subject: '', text: DUTY_ESCALATION_TEXT }, devices: [] };
    }
    if (row.kind === 'attendance_check') {
      // The morning check (issue 11): only while the appointment is still booked, ahead, met at home or by phone, and
      // still wants it. The text names no one.
      const stale = !row.user_active || !row.channel_allowed || row.appointment_status !== 'booked' || !row.attendance_check ||
        (row.modality !== 'phone' && row.modality !== 'home_visit') || row.starts_at!.getTime() < Date.now();
      return { row, stale, to: row.phone, words: { subject: '', text: composeAttendanceCheck(row.language, row.time_zone, row.starts_at!) }, devices: [] };
    }
    const stale =
      !row.user_active ||
      !row.channel_allowed ||
      (row.kind === 'appointment' && (row.appointment_status !== 'booked' || row.starts_at!.getTime() < Date.now())) ||
      (row.kind === 'medication' && !row.schedule_active);
    const to = row.channel === 'sms' ? row.phone : row.email;
    let joinUrl: string | null = null;
    if (!stale && row.kind === 'appointment' && row.modality === 'video') {
      // A link that can only join this appointment's session, the same one on every attempt of this reminder.
      const secret = await reminderJoinSecret(tx, this.options.linkKeys(), {
        organisationId, reminderId: row.id, appointmentId: row.appointment_id!, citizenId: row.citizen_id, workerId: row.worker_id!, endsAt: row.ends_at!,
      });
      joinUrl = secret ? reminderLinkUrl(this.options.publicUrl, secret) : null;
    }
    const words = composeReminder({
      kind: row.kind, language: row.language, timeZone: row.time_zone, startsAt: row.starts_at, modality: row.modality,
      joinUrl, wording: row.wording, dueAt: row.due_at,
    });
    return { row, stale, to, words, devices: [] };
  }

  /**
   * "Bo er klar": only while the session is open and fresh. SMS and e-mail carry a one-time link to the session (the
   * same on every attempt); a push goes to every device of the citizen that asked for it, and opens the app.
   */
  private async prepareReady(tx: Tx, organisationId: string, claimed: ReminderToSend): Promise<Prepared> {
    let row = claimed;
    const over = !row.user_active || row.call_status !== 'open' || Date.now() - row.due_at.getTime() > READY_FRESH_MS;
    let why: string | undefined;
    if (!over && row.channel === 'push' && !row.channel_allowed) {
      // No device of theirs takes push any more (its push service said it is gone, or its sign-in ended since):
      // SMS or e-mail instead, as their consent and the hour allow.
      const channel = await outbox.moveReadyNoticeOffPush(tx, row.id, row.citizen_id);
      if (channel) row = { ...row, channel, channel_allowed: true };
      else why = 'no device takes notifications any more, and SMS or e-mail may not be used now';
    }
    const stale = over || !row.channel_allowed;
    const workerName = row.call_worker_name ?? '';
    if (row.channel === 'push') {
      const devices = stale ? [] : await pushSubscriptionsOf(tx, row.citizen_id);
      return { row, stale, why, to: null, words: { subject: '', text: '' }, devices, push: readyPush(row.language, workerName) };
    }
    let joinUrl: string | null = null;
    if (!stale) {
      const secret = await readyJoinSecret(tx, this.options.linkKeys(), {
        organisationId, reminderId: row.id, callSessionId: row.call_session_id!, appointmentId: row.call_appointment_id,
        citizenId: row.citizen_id, workerId: row.call_worker_id!,
      });
      joinUrl = secret ? reminderLinkUrl(this.options.publicUrl, secret) : null;
    }
    const to = row.channel === 'sms' ? row.phone : row.email;
    return { row, stale, why, to, words: readyMessage(row.language, workerName, joinUrl), devices: [] };
  }

  /**
   * One push to each device; those the push service says are gone are deleted when the outcome is recorded. Push has
   * no idempotency key: a retry after a crash can reach a phone twice. The topic (the reminder's id) makes the push
   * service keep only the newest of an undelivered pair, and the service worker's tag replaces one shown.
   */
  private async deliverPush(item: Prepared): Promise<SendOutcome> {
    const { row, devices, push } = item;
    if (!this.options.push) return { id: row.id, result: 'failed', error: 'push is not configured on this dispatcher', attempts: row.attempts };
    const topic = row.id.replace(/-/g, '');
    const results = await Promise.all(devices.map(async (device) => ({ device, outcome: await this.options.push!.send(device, push!, topic) })));
    const gone = results.filter((r) => r.outcome.result === 'gone').map((r) => r.device.id);
    if (results.some((r) => r.outcome.result === 'sent')) return { id: row.id, result: 'sent', providerId: `push:${devices.length - gone.length}`, goneDevices: gone };
    const retry = results.map((r) => r.outcome).find((o) => o.result === 'failed' && o.temporary);
    if (retry && retry.result === 'failed' && row.attempts < MAX_ATTEMPTS) {
      return { id: row.id, result: 'retry', error: retry.error, attempts: row.attempts, retryInSeconds: backoffMs(row.attempts) / 1000, goneDevices: gone };
    }
    if (gone.length === results.length) {
      // Every device is gone: the next attempt (at once) goes by SMS or e-mail if it may (prepareReady).
      return { id: row.id, result: 'retry', error: 'no device takes notifications any more', attempts: row.attempts, retryInSeconds: 0, goneDevices: gone };
    }
    return { id: row.id, result: 'failed', error: 'the push service refused it', attempts: row.attempts, goneDevices: gone };
  }

  private async deliver(item: Prepared): Promise<SendOutcome> {
    const { row, stale, to, words } = item;
    if (stale) return { id: row.id, result: 'cancelled', error: item.why ?? 'no longer wanted', attempts: row.attempts };
    if (row.channel === 'push') return this.deliverPush(item);
    const sender = this.options.senders[row.channel];
    if (!sender) return { id: row.id, result: 'failed', error: `${row.channel} is not configured on this server`, attempts: row.attempts };
    if (!to) return { id: row.id, result: 'failed', error: `the citizen has no ${row.channel === 'sms' ? 'mobile number' : 'e-mail address'}`, attempts: row.attempts };
    try {
      const { providerId } = await sender.send({ to, subject: words.subject, text: words.text, idempotencyKey: row.idempotency_key });
      return { id: row.id, result: 'sent', providerId };
    } catch (error) {
      const temporary = error instanceof SendError ? error.temporary : true;
      const message = error instanceof Error ? error.message : String(error);
      if (temporary && row.attempts < MAX_ATTEMPTS) return { id: row.id, result: 'retry', error: message, attempts: row.attempts, retryInSeconds: backoffMs(row.attempts) / 1000 };
      return { id: row.id, result: 'failed', error: message, attempts: row.attempts };
    }
  }
}
