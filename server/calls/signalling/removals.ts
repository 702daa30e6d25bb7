/**
 * Taking one person out of a live call that goes on for the others: staff removed them, or the sign-in their room
 * token was issued under no longer holds (signed out, password changed, deactivated, expired). They are told why and
 * disconnected; their media goes with the connection.
 */
import type { RemovalReason } from '../../../protocol/signalling.js';
import type { Logger } from '../../log.js';
import type { CallStore } from '../store.js';
import type { LiveCalls } from './registry.js';
import type { CallSocket } from './socket.js';

/**
 * Sign-outs and deactivations tell signalling at once; this sweep also catches the ways a sign-in ends that do not
 * (expiry, a coordinator resetting a password), within this interval.
 */
const SIGN_IN_SWEEP_MS = 30_000;

export interface RemovalDeps {
  store: CallStore;
  live: LiveCalls;
  log: Logger;
}

export class Removals {
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly deps: RemovalDeps) {
    this.sweep = setInterval(() => void this.sweepSignIns(), SIGN_IN_SWEEP_MS);
    this.sweep.unref();
  }

  /**
   * Someone's sign-in sessions changed (sign-out, password change, deactivation). Each of their connections whose
   * sign-in no longer holds is told why and disconnected; its media goes with it. Never throws: the sign-out itself
   * has happened, and the sweep will retry.
   */
  async signInsChanged(organisationId: string, userId: string): Promise<void> {
    const { live, log } = this.deps;
    try {
      await live.perUser.run(userId, () => this.takeOutSignedOut(organisationId, live.connectionsOf(userId)));
    } catch (error) {
      log.error({ err: error }, 'could not check the live calls of a signed-out user');
    }
  }

  /** Staff took this user out of the session (the route has recorded it): their connections to it go now. */
  async removeFromCall(callId: string, userId: string): Promise<void> {
    const { live } = this.deps;
    await live.perUser.run(userId, async () => {
      for (const socket of live.connectionsOf(userId)) {
        if (socket.data.callId === callId) this.takeOut(socket, 'removed');
      }
    });
  }

  close(): void {
    clearInterval(this.sweep);
  }

  private takeOut(socket: CallSocket, reason: RemovalReason): void {
    const data = socket.data;
    const member = this.deps.live.calls.get(data.callId)?.members.get(data.userId);
    if (member?.socket === socket) member.leaveReason = reason;
    socket.emit('removed', { reason });
    socket.disconnect(true);
  }

  /** Of these connections (one organisation's), those whose sign-in no longer holds are taken out. */
  private async takeOutSignedOut(organisationId: string, sockets: CallSocket[]): Promise<void> {
    const valid = await this.deps.store.validSignIns(organisationId, sockets.map((s) => s.data));
    for (const socket of sockets) if (socket.connected && !valid.has(socket.data.authSessionId)) this.takeOut(socket, 'signed_out');
  }

  private async sweepSignIns(): Promise<void> {
    for (const [organisationId, sockets] of this.deps.live.connectionsByOrganisation()) {
      try {
        await this.takeOutSignedOut(organisationId, sockets);
      } catch (error) {
        this.deps.log.error({ err: error }, 'sign-in sweep of live calls failed');
      }
    }
  }
}
