import type { Role } from '../../protocol/common.js';
import { Roles } from '../../protocol/roles.js';

/**
 * Who may do what in a call, decided here and nowhere else (signalling and the call routes both ask).
 *
 * Workers and coordinators run sessions. A volunteer (peer support, IT help) takes part in a session they were
 * brought into, but does not see who waits or let anyone in — unless they host the session themselves. Citizens
 * go through the waiting room.
 */
export interface CallActor {
  userId: string;
  role: Role;
}

export interface CallHost {
  /** The session's owner (call_sessions.worker_id). */
  ownerId: string;
}

/** Roles that run sessions. */
const SESSION_STAFF: ReadonlySet<Role> = new Set(Roles.caseStaff);
/** Roles that may act on any session of their organisation, not only their own. */
const SUPERVISORS: ReadonlySet<Role> = new Set(Roles.coordinator);

const hosts = (actor: CallActor, call: CallHost) => actor.userId === call.ownerId;

export const callRoles = {
  /** Receives the list of who is waiting (first names of citizens). */
  seesWaiting: (actor: CallActor, call: CallHost) => hosts(actor, call) || SESSION_STAFF.has(actor.role),
  /** Lets a waiting citizen into the call. */
  mayAdmit: (actor: CallActor, call: CallHost) => hosts(actor, call) || SESSION_STAFF.has(actor.role),
  /** Ends the session for everyone. */
  mayEnd: (actor: CallActor, call: CallHost) => hosts(actor, call) || SUPERVISORS.has(actor.role),
  /** Brings a colleague in, or takes a participant out. */
  mayManageParticipants: (actor: CallActor, call: CallHost) => hosts(actor, call) || SUPERVISORS.has(actor.role),
  /** Waits in the waiting room until admitted. */
  waitsToBeAdmitted: (actor: CallActor, call: CallHost) => actor.role === 'citizen' && !hosts(actor, call),
} as const;
