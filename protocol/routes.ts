/** Every HTTP route of the product, merged from the features' tables. Adding a feature means adding its table here. */
import { attendanceRoutes } from './attendance.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { bookingRoutes } from './booking.js';
import { calendarRoutes } from './calendar.js';
import { crisisRoutes } from './crisis.js';
import { guestRoutes } from './guests.js';
import { dutyRoutes } from './duty.js';
import { followUpRoutes } from './follow-up.js';
import { callRoutes } from './calls.js';
import type { RouteTable } from './contract.js';
import { healthRoutes } from './health.js';
import { joinRoutes } from './join.js';
import { linkRoutes } from './links.js';
import { notesRoutes } from './notes.js';
import { organisationRoutes } from './organisation.js';
import { peopleRoutes } from './people.js';
import { pushRoutes } from './push.js';
import { reminderRoutes } from './reminders.js';
import { statisticsRoutes } from './statistics.js';
import { volunteerTimeRoutes } from './volunteer-times.js';
import { volunteerRoutes } from './volunteers.js';

export const routes = {
  ...healthRoutes,
  ...authRoutes,
  ...peopleRoutes,
  ...organisationRoutes,
  ...linkRoutes,
  ...joinRoutes,
  ...auditRoutes,
  ...bookingRoutes,
  ...reminderRoutes,
  ...calendarRoutes,
  ...callRoutes,
  ...pushRoutes,
  ...dutyRoutes,
  ...crisisRoutes,
  ...attendanceRoutes,
  ...followUpRoutes,
  ...statisticsRoutes,
  ...volunteerTimeRoutes,
  ...guestRoutes,
  ...notesRoutes,
  ...volunteerRoutes,
} as const satisfies RouteTable;

export type Routes = typeof routes;
export type RouteKey = keyof Routes;
