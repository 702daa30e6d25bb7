import type { Role } from '../../protocol/common.js';
import { Roles } from '../../protocol/roles.js';
import type { CallRole } from '../../protocol/signalling.js';

/**
 * Who may do what in a call, decided here and nowhere else (signalling and the call routes both ask).
 *
 * Workers and coordinators run sessions. A volunteer (peer support, IT help) takes part in a session they were
 * brought into, but does not see who waits or let anyone in — unless they host the session themselves (a session for
 * their own appointment with a citizen they are matched with): then they let in that citizen and nobody else. Citizens
 * and guests (on a citizen's one-time guest link) go through the waiting room.
 */
export interface CallActor {
  userId: string;
  role: CallRole;
}

export interface CallHost {
  /** The session's owner (call_sessions.worker_id). */
  ownerId: string;
}

/** Roles that run sessions. */
const SESSION_STAFF: ReadonlySet<CallRole> = new Set<Role>(Roles.caseStaff);
/** Roles that may act on any session of their organisation, not only their own. */
const SUPERVISORS: ReadonlySet<CallRole> = new Set<Role>(Roles.coordinator);

const hosts = (actor: CallActor, call: CallHost) => actor.userId === call.ownerId;
const mayAdmit = (actor: CallActor, call: CallHost) => hosts(actor, call) || SESSION_STAFF.has(actor.role);

export const callRoles = {
  /** Receives the list of who is waiting (first names of citizens). */
  seesWaiting: (actor: CallActor, call: CallHost) => hosts(actor, call) || SESSION_STAFF.has(actor.role),
  /** Lets a waiting citizen into the call. */
  mayAdmit,
  /**
   * Lets this one waiting person in. A volunteer hosting their own session lets in only the citizen they are matched
   * with (the only citizen such a session has: server/volunteer-times/); never a guest or anyone else.
   */
  mayAdmitPerson: (actor: CallActor, call: CallHost, person: { role: CallRole }) =>
    mayAdmit(actor, call) && (SESSION_STAFF.has(actor.role) || person.role === 'citizen'),
  /** Ends the session for everyone. */
  mayEnd: (actor: CallActor, call: CallHost) => hosts(actor, call) || SUPERVISORS.has(actor.role),
  /** Brings a colleague in, or takes a participant out. */
  mayManageParticipants: (actor: CallActor, call: CallHost) => hosts(actor, call) || SUPERVISORS.has(actor.role),
  /** Waits in the waiting room until admitted. */
  waitsToBeAdmitted: (actor: CallActor, call: CallHost) => (actor.role === 'citizen' || actor.role === 'guest') && !hosts(actor, call),
} as const;
