import type { Sql } from 'postgres';

/**
 * A fingerprint of every row of every table in the schema (or only one organisation's rows), read through the
 * schema owner's connection so that row-level security hides nothing. Equal fingerprints: nothing was written.
 */
export async function snapshotRows(admin: Sql, organisationId?: string): Promise<Record<string, string>> {
  const tables = await admin<{ table_name: string; tenant: boolean }[]>`
    select c.relname as table_name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'organisation_id' and not a.attisdropped) as tenant
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> 'schema_migrations'
    order by c.relname`;
  // One statement for all the tables: one round trip instead of one per table (the fuzz test takes two per operation).
  const parts = tables
    .filter(({ table_name: table, tenant }) => organisationId === undefined || tenant || table === 'organisations')
    .map(({ table_name: table }) => {
      const filter = organisationId === undefined ? '' : table === 'organisations' ? 'where t.id = $1' : 'where t.organisation_id = $1';
      return `select '${table}' as table_name, count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as fingerprint from "${table}" t ${filter}`;
    });
  const rows = await admin.unsafe<{ table_name: string; fingerprint: string }[]>(parts.join(' union all '), organisationId === undefined ? [] : [organisationId]);
  const result: Record<string, string> = {};
  for (const row of rows) result[row.table_name] = row.fingerprint;
  return result;
}
