/**
 * Everything of the HTTP contract in one import, for code that has not moved to the feature files yet.
 * New code imports from protocol/<feature>.ts.
 */
export * from './common.js';
export * from './errors.js';
export * from './health.js';
export * from './auth.js';
export * from './people.js';
export * from './organisation.js';
export * from './links.js';
export * from './join.js';
export * from './audit.js';
export * from './calls.js';
export * from './booking.js';
export * from './reminders.js';
export { Roles } from './roles.js';
export const StaffRoles = ['worker', 'volunteer', 'coordinator'] as const;
