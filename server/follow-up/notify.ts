/**
 * Telling people that a follow-up was opened. The database opens it (a trigger on the no-show, migration 017) in
 * whichever transaction recorded the no-show, and announces it with NOTIFY on commit; this listener turns that into
 * `followUpsChanged` for the worker and, when it was the second no-show in a row without contact, for every
 * coordinator of the organisation. Every host listens, so each tells only the sockets it holds (several hosts: the
 * others hear the same NOTIFY and tell theirs).
 */
import type { UserEvents } from '../events/events.js';
import type { Logger } from '../log.js';
import type { FollowUpStore } from './store.js';

export class FollowUpNotifier {
  #unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly deps: { store: FollowUpStore; events: UserEvents; log: Logger }) {}

  async start(): Promise<void> {
    this.#unlisten = await this.deps.store.listen((opened) => {
      this.deps.events.toUser(opened.workerId, 'followUpsChanged', { thisHostOnly: true });
      if (!opened.alert) return;
      this.deps.store.coordinatorIds(opened.organisationId).then(
        (ids) => {
          for (const id of ids) this.deps.events.toUser(id, 'followUpsChanged', { thisHostOnly: true });
        },
        (error: unknown) => this.deps.log.error({ err: error }, 'telling coordinators of a follow-up alert failed'),
      );
    });
  }

  async stop(): Promise<void> {
    await this.#unlisten?.().catch(() => undefined);
  }
}
