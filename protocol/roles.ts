/**
 * Who may call what, by name. The route tables and the call rules use these sets and nothing else, so "staff" means
 * one thing everywhere.
 */
import type { Role } from './common.js';

export const Roles = {
  /** Everybody with a sign-in. */
  everyone: ['citizen', 'worker', 'volunteer', 'coordinator'],
  /** Everybody who works for the organisation, paid or volunteer. */
  allStaff: ['worker', 'volunteer', 'coordinator'],
  /** Staff who hold a caseload and run sessions: they book, see citizens' settings and open calls. */
  caseStaff: ['worker', 'coordinator'],
  /** Plans people, teams and the organisation's settings; may act on any session or appointment. */
  coordinator: ['coordinator'],
  citizen: ['citizen'],
  /** Only workers: their own calendar feed. */
  worker: ['worker'],
  /** Only volunteers: their own matches and home. */
  volunteer: ['volunteer'],
} as const satisfies Record<string, readonly Role[]>;
