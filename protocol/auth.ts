/** Signing in and out, and who is signed in. */
import { Type, type Static } from '@sinclair/typebox';
import { Language, NewPassword, NoContent, Role, strict, Text, Uuid } from './common.js';
import type { RouteTable } from './contract.js';
import { ErrorBody } from './errors.js';
import { Roles } from './roles.js';

export const LoginBody = Type.Object(
  { email: Text({ minLength: 3, maxLength: 254 }), password: Text({ minLength: 1, maxLength: 256 }) },
  strict,
);
export type LoginBody = Static<typeof LoginBody>;

export const ChangePasswordBody = Type.Object({ currentPassword: Text({ maxLength: 256 }), newPassword: NewPassword }, strict);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const Me = Type.Object({
  user: Type.Object({ id: Uuid, role: Role, displayName: Type.String(), preferredLanguage: Language }),
  organisation: Type.Object({ id: Uuid, name: Type.String() }),
});
export type Me = Static<typeof Me>;

export const authRoutes = {
  /** The 401 is listed so that the published document shows what a wrong e-mail or password gets. */
  'POST /api/auth/login': { roles: null, tags: ['auth'], body: LoginBody, reply: { 200: Me, 401: ErrorBody } },
  'POST /api/auth/logout': { roles: Roles.everyone, tags: ['auth'], reply: { 204: NoContent } },
  'GET /api/me': { roles: Roles.everyone, tags: ['auth'], reply: { 200: Me } },
  'POST /api/auth/password': { roles: Roles.allStaff, tags: ['auth'], body: ChangePasswordBody, reply: { 204: NoContent } },
} as const satisfies RouteTable;
