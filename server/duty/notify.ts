/**
 * Telling people that a contact request changed, over /events (server/events/): the staff who may claim or hold it
 * hear `dutyRequestsChanged`, its citizen `myContactRequestChanged`; both sides of a chat `contactMessagesChanged`.
 * Events carry no data (the client asks the API again), and telling never fails a request: a lost event costs a
 * refresh. The duty tick runs here too: every few seconds, in every server, for all organisations; the database
 * makes each move and escalation happen once (migration 013, duty_tick), and this process tells whoever it concerns.
 */
// Who hears of a change is the system's to work out, not the caller's: a route that reports a change may run for a
// person whose role cannot read the requests (a volunteer asking for help), and the lookup must not run as them.
import { asSystem } from '../db/actor.js';
import type { UserEvents } from '../events/events.js';
import type { Logger } from '../log.js';
import type { DutyStore } from './store.js';

/** How often requests past their limit are moved on and escalated: a few seconds late at most, on a 10-minute limit. */
export const DUTY_TICK_MS = 5_000;

export class DutyNotifier {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = true;

  constructor(private readonly deps: { store: DutyStore; events: UserEvents; log: Logger; tickMs?: number }) {}

  requestChanged(organisationId: string, requestId: string): void {
    asSystem(() => this.deps.store.audience(organisationId, requestId)).then(
      (audience) => {
        if (!audience) return;
        for (const staffId of audience.staffIds) this.deps.events.toUser(staffId, 'dutyRequestsChanged');
        this.deps.events.toUser(audience.citizenId, 'myContactRequestChanged');
      },
      (error: unknown) => this.deps.log.error({ err: error }, 'telling of a contact request change failed'),
    );
  }

  messagesChanged(organisationId: string, requestId: string): void {
    asSystem(() => this.deps.store.audience(organisationId, requestId)).then(
      (audience) => {
        if (!audience) return;
        // Only the claimer among the staff reads the chat, but the others learn nothing from a bare event name.
        for (const userId of [audience.citizenId, ...audience.staffIds]) this.deps.events.toUser(userId, 'contactMessagesChanged');
      },
      (error: unknown) => this.deps.log.error({ err: error }, 'telling of a chat message failed'),
    );
  }

  /** One tick: moves and escalations, each told. Returns what it did (tests and the bench call it directly). */
  async tick(): Promise<Awaited<ReturnType<DutyStore['tick']>>> {
    const changed = await this.deps.store.tick();
    for (const c of changed) this.requestChanged(c.organisationId, c.requestId);
    const escalated = changed.filter((c) => c.action === 'escalated');
    if (escalated.length > 0) this.deps.log.info({ requests: escalated.length, sms: escalated.reduce((n, c) => n + c.sms, 0) }, 'duty requests escalated');
    return changed;
  }

  start(): void {
    this.#stopped = false;
    const next = () => {
      if (this.#stopped) return;
      this.#timer = setTimeout(() => {
        this.#running = this.tick()
          .catch((error: unknown) => this.deps.log.error({ err: error }, 'duty tick failed'))
          .finally(next);
      }, this.deps.tickMs ?? DUTY_TICK_MS);
      this.#timer.unref();
    };
    next();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Tells people of contact request changes, and runs the duty tick (moving on and escalating unanswered requests). */
    dutyNotifier: DutyNotifier;
  }
}
