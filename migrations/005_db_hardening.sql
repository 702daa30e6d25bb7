-- Database hardening (issue 7): tenant tables obey row-level security even for their owner, SECURITY DEFINER
-- functions see only pg_catalog and what they name, nobody but the owner creates objects in public, and a worker's
-- calendar feeds die with the worker's account. (Retention comes in 008, after the tables of 006 and 007.)
--
-- The application logs in as its own NOSUPERUSER NOBYPASSRLS role, a member of naervaer_app (see
-- server/db/app-login.ts); policies and grants keep naming the group naervaer_app.

-- Objects in public are created by the schema owner (migrations) only. Before PostgreSQL 15 every role could create
-- there, e.g. a public.generate_series(date, date, interval) that a function with public on its search path would
-- prefer over the built-in one.
revoke create on schema public from public;

-- ---------------------------------------------------------------------------------------------------------------
-- Row-level security, forced. Without FORCE the owner of a table bypasses its policies; with it only superusers
-- and BYPASSRLS roles do. Every table with an organisation_id column, and organisations itself, is a tenant table.
do $$
declare
  t regclass;
begin
  for t in
    select c.oid::regclass
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and (c.relname = 'organisations'
           or exists (select 1 from pg_catalog.pg_attribute a
                      where a.attrelid = c.oid and a.attname = 'organisation_id' and a.attnum > 0 and not a.attisdropped))
  loop
    execute pg_catalog.format('alter table %s enable row level security, force row level security', t);
  end loop;
end
$$;

-- Policies call this for every row; it stays a plain (inlinable) SQL function, with every name qualified.
create or replace function public.app_current_org() returns uuid
  language sql stable
  as $$ select nullif(pg_catalog.current_setting('app.org_id', true), '')::pg_catalog.uuid $$;

-- Tables created by later migrations get the same rule, forced.
create or replace function public.enable_tenant_isolation(p_table regclass) returns void
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    execute pg_catalog.format('alter table %s enable row level security, force row level security', p_table);
    execute pg_catalog.format(
      'create policy tenant_isolation on %s using (organisation_id = public.app_current_org()) with check (organisation_id = public.app_current_org())',
      p_table);
  end
  $$;
revoke all on function public.enable_tenant_isolation(regclass) from public;

-- ---------------------------------------------------------------------------------------------------------------
-- SECURITY DEFINER functions run with the owner's rights, so they must not resolve a single name through a schema
-- someone else can write to: search_path holds only pg_catalog (and pg_temp last, where functions are never looked
-- up), and every table is named with its schema. Same signatures and results as before.

create or replace function public.sign_in_lookup(p_email text)
  returns table (user_id uuid, organisation_id uuid, password_hash text, active boolean)
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select u.id, u.organisation_id, u.password_hash, u.active
    from public.users u
    where pg_catalog.lower(u.email) = pg_catalog.lower(p_email) and u.role <> 'citizen'
  $$;

create or replace function public.citizen_link_organisation(p_secret_hash bytea)
  returns uuid
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$ select l.organisation_id from public.citizen_links l where l.secret_hash = p_secret_hash $$;

create or replace function public.claim_due_reminders(p_limit integer, p_lease_seconds integer)
  returns table (reminder_id uuid, organisation_id uuid)
  language sql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
    update public.reminders r
    set leased_until = pg_catalog.now() + pg_catalog.make_interval(secs => p_lease_seconds::double precision), attempts = r.attempts + 1
    from (
      select d.id from public.reminders d
      where d.status = 'pending' and d.next_attempt_at <= pg_catalog.now() and (d.leased_until is null or d.leased_until < pg_catalog.now())
      order by d.next_attempt_at
      limit p_limit
      for update skip locked
    ) due
    where r.id = due.id
    returning r.id, r.organisation_id
  $$;

-- A feed of a deactivated worker is revoked by the trigger below; the worker check here is a second lock on the door.
create or replace function public.calendar_feed_organisation(p_token_hash bytea)
  returns uuid
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select f.organisation_id from public.calendar_feeds f
    join public.users u on u.id = f.worker_id and u.active
    where f.token_hash = p_token_hash and f.revoked_at is null
  $$;

-- As before, except that the range is clamped to [now, now + 7 days]: the dispatcher plans 48 hours ahead, and a
-- caller asking for years (or for the past, which would send stale reminders at once) gets at most a week.
create or replace function public.plan_medication_reminders(p_from timestamptz, p_until timestamptz)
  returns integer
  language sql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
    with bounds as (
      select greatest(p_from, pg_catalog.now()) as lo,
             least(p_until, pg_catalog.now() + interval '7 days') as hi
    ), occurrences as (
      select m.id as schedule_id, m.organisation_id, m.citizen_id, ((d::date + t) at time zone o.time_zone) as due
      from bounds b
      cross join public.medication_schedules m
      join public.organisations o on o.id = m.organisation_id
      cross join lateral pg_catalog.generate_series((b.lo at time zone o.time_zone)::date::timestamp, (b.hi at time zone o.time_zone)::date::timestamp, interval '1 day') d
      cross join lateral pg_catalog.unnest(m.times_of_day) t
      where m.active and b.lo < b.hi and extract(isodow from d)::int = any (m.weekdays)
    ), inserted as (
      insert into public.reminders (organisation_id, citizen_id, medication_schedule_id, kind, channel, due_at, next_attempt_at, idempotency_key)
      select x.organisation_id, x.citizen_id, x.schedule_id, 'medication', c.channel, x.due, x.due,
             'medication:' || x.schedule_id || ':' || (extract(epoch from x.due)::bigint * 1000) || ':' || c.channel
      from occurrences x
      cross join bounds b
      join public.users u on u.id = x.citizen_id and u.active
      join public.citizen_settings s on s.citizen_id = x.citizen_id
      cross join (values ('sms'), ('email')) c(channel)
      where x.due >= b.lo and x.due < b.hi
        and ((c.channel = 'sms' and s.sms_reminders and u.phone is not null) or (c.channel = 'email' and s.email_reminders and u.email is not null))
      on conflict (idempotency_key) do nothing
      returning 1
    )
    select pg_catalog.count(*)::int from inserted
  $$;

-- ---------------------------------------------------------------------------------------------------------------
-- A person's deactivation is remembered (retention counts from it), and a worker's calendar feeds end with it.
-- Done by the database so that no code path (API, CLI, a future import) can deactivate and forget the feeds.

-- anonymised_at: when retention (migration 008) anonymised a deactivated citizen.
alter table users add column deactivated_at timestamptz, add column anonymised_at timestamptz;
update users set deactivated_at = updated_at where not active;
alter table users add constraint users_deactivated_when_inactive check (active = (deactivated_at is null));

create function public.users_track_deactivation() returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    if not new.active and (tg_op = 'INSERT' or old.active) then
      new.deactivated_at := pg_catalog.now();
    elsif new.active then
      -- a person taken back into use is a person again: anonymisation counts from their next deactivation
      new.deactivated_at := null;
      new.anonymised_at := null;
    end if;
    return new;
  end
  $$;
create trigger users_track_deactivation before insert or update of active on users
  for each row execute function public.users_track_deactivation();

-- Runs with the rights of whoever deactivates (the application, inside that organisation's RLS context): it
-- changes nothing the deactivating transaction could not change itself.
create function public.users_revoke_calendar_feeds() returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    update public.calendar_feeds f set revoked_at = pg_catalog.now()
    where f.worker_id = new.id and f.revoked_at is null;
    return null;
  end
  $$;
create trigger users_revoke_calendar_feeds after update of active on users
  for each row when (old.active and not new.active) execute function public.users_revoke_calendar_feeds();

update calendar_feeds f set revoked_at = now()
from users u
where u.id = f.worker_id and not u.active and f.revoked_at is null;

-- Re-assert who may call the SECURITY DEFINER functions (create or replace keeps grants; this makes it explicit).
revoke all on function public.sign_in_lookup(text) from public;
revoke all on function public.citizen_link_organisation(bytea) from public;
revoke all on function public.claim_due_reminders(integer, integer) from public;
revoke all on function public.calendar_feed_organisation(bytea) from public;
revoke all on function public.plan_medication_reminders(timestamptz, timestamptz) from public;
