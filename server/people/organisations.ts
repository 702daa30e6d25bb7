import type { Sql } from 'postgres';
import type { Role } from '../../protocol/api.js';
import { hashPassword } from '../auth/password.js';

/**
 * Installation-level work, done with the schema owner's connection (no organisation context exists yet):
 * creating an organisation and its first coordinator. Used by the demo seed and by operators.
 */
export async function createOrganisation(admin: Sql, name: string, id?: string): Promise<string> {
  const [row] = await admin<{ id: string }[]>`
    insert into organisations (id, name) values (coalesce(${id ?? null}::uuid, gen_random_uuid()), ${name})
    on conflict (id) do update set name = excluded.name returning id`;
  return row!.id;
}

export async function upsertUser(
  admin: Sql,
  user: { organisationId: string; role: Role; displayName: string; email?: string; phone?: string; password?: string; id?: string },
): Promise<string> {
  const passwordHash = user.password ? await hashPassword(user.password) : null;
  const [row] = await admin<{ id: string }[]>`
    insert into users (id, organisation_id, role, display_name, email, phone, password_hash)
    values (coalesce(${user.id ?? null}::uuid, gen_random_uuid()), ${user.organisationId}, ${user.role}, ${user.displayName},
            ${user.email ?? null}, ${user.phone ?? null}, ${passwordHash})
    on conflict (id) do update set display_name = excluded.display_name, email = excluded.email, phone = excluded.phone,
      password_hash = excluded.password_hash, active = true, updated_at = now()
    returning id`;
  return row!.id;
}
