-- Foundation: organisations, teams, users, caseloads, sign-in sessions, citizen sign-in links, audit events.
-- Every tenant table carries organisation_id and is guarded by row-level security: the application role
-- naervaer_app sees only rows of the organisation set in app.org_id for the current transaction.

do $$
begin
  create role naervaer_app nologin nosuperuser nobypassrls;
exception when duplicate_object or unique_violation then
  null; -- the role is cluster-wide: another database of this cluster created it already
end
$$;

-- The schema owner connects and switches to naervaer_app (startup parameter "role"), so it must be a member.
do $$
begin
  if not pg_has_role(current_user, 'naervaer_app', 'member') then
    execute format('grant naervaer_app to %I', current_user);
  end if;
end
$$;

grant usage on schema public to naervaer_app;

create function app_current_org() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;

create table organisations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  time_zone text not null default 'Europe/Copenhagen',
  created_at timestamptz not null default now()
);

create table teams (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  name text not null check (length(btrim(name)) between 1 and 200),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (organisation_id, id),
  unique (organisation_id, name)
);

create table users (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  team_id uuid,
  role text not null check (role in ('citizen', 'worker', 'volunteer', 'coordinator')),
  display_name text not null check (length(btrim(display_name)) between 1 and 200),
  email text check (length(email) <= 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  preferred_language text not null default 'da' check (preferred_language in ('da', 'en', 'sv')),
  password_hash text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organisation_id, id),
  -- lets other tables require a user of a given role through a foreign key
  unique (organisation_id, id, role),
  foreign key (organisation_id, team_id) references teams (organisation_id, id),
  constraint staff_have_email check (role = 'citizen' or email is not null),
  constraint citizens_have_no_password check (role <> 'citizen' or password_hash is null)
);

-- Staff sign in with their e-mail before any organisation is known, so it must be unambiguous installation-wide.
create unique index users_staff_email_unique on users (lower(email)) where role <> 'citizen';
create index users_org_role on users (organisation_id, role, display_name);

create table caseloads (
  organisation_id uuid not null references organisations (id),
  worker_id uuid not null,
  worker_role text not null default 'worker' check (worker_role = 'worker'),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  created_at timestamptz not null default now(),
  primary key (worker_id, citizen_id),
  foreign key (organisation_id, worker_id, worker_role) references users (organisation_id, id, role),
  foreign key (organisation_id, citizen_id, citizen_role) references users (organisation_id, id, role)
);
create index caseloads_citizen on caseloads (citizen_id);

create table auth_sessions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  user_id uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  foreign key (organisation_id, user_id) references users (organisation_id, id),
  check (expires_at > created_at)
);
create index auth_sessions_user on auth_sessions (user_id) where revoked_at is null;

create table citizen_links (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  -- sha-256 of the 256-bit secret; the secret itself is never stored
  secret_hash bytea not null unique check (length(secret_hash) = 32),
  created_by uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  used_at timestamptz,
  session_id uuid references auth_sessions (id),
  foreign key (organisation_id, citizen_id, citizen_role) references users (organisation_id, id, role),
  foreign key (organisation_id, created_by) references users (organisation_id, id),
  check (expires_at > created_at),
  check ((used_at is null) = (session_id is null))
);
create index citizen_links_citizen on citizen_links (citizen_id, created_at desc);

create table audit_events (
  id bigint generated always as identity primary key,
  organisation_id uuid not null references organisations (id),
  actor_id uuid,
  actor_role text,
  action text not null check (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  subject_id uuid,
  -- identifiers and counts only, never personal data
  detail jsonb not null default '{}'::jsonb,
  at timestamptz not null default now(),
  foreign key (organisation_id, actor_id) references users (organisation_id, id)
);
create index audit_events_subject on audit_events (organisation_id, subject_id, at desc);
create index audit_events_at on audit_events (organisation_id, at desc);

-- Row-level security: one policy per tenant table, the same rule everywhere.
alter table organisations enable row level security;
create policy tenant_isolation on organisations
  using (id = app_current_org()) with check (id = app_current_org());

-- The same rule for every tenant table, now and in later migrations.
create function enable_tenant_isolation(p_table regclass) returns void
  language plpgsql
  as $$
  begin
    execute format('alter table %s enable row level security', p_table);
    execute format(
      'create policy tenant_isolation on %s using (organisation_id = app_current_org()) with check (organisation_id = app_current_org())',
      p_table);
  end
  $$;
revoke all on function enable_tenant_isolation(regclass) from public;

select enable_tenant_isolation(t)
from unnest(array['teams', 'users', 'caseloads', 'auth_sessions', 'citizen_links', 'audit_events']::regclass[]) as t;

grant select, insert, update on organisations, teams, users, auth_sessions, citizen_links to naervaer_app;
grant select, insert, delete on caseloads to naervaer_app;
-- the audit trail is append-only for the application
grant select, insert on audit_events to naervaer_app;

-- The one narrow path that crosses organisations: sign-in looks a staff member up by e-mail before the
-- organisation is known. It runs as the schema owner (not subject to RLS) and returns only what sign-in needs.
create function sign_in_lookup(p_email text)
  returns table (user_id uuid, organisation_id uuid, password_hash text, active boolean)
  language sql stable security definer
  set search_path = public, pg_temp
  as $$
    select id, organisation_id, password_hash, active
    from users
    where lower(email) = lower(p_email) and role <> 'citizen'
  $$;

-- Likewise a citizen link is presented before its organisation is known: return only where it belongs.
create function citizen_link_organisation(p_secret_hash bytea)
  returns uuid
  language sql stable security definer
  set search_path = public, pg_temp
  as $$ select organisation_id from citizen_links where secret_hash = p_secret_hash $$;

revoke all on function sign_in_lookup(text) from public;
revoke all on function citizen_link_organisation(bytea) from public;
grant execute on function sign_in_lookup(text) to naervaer_app;
grant execute on function citizen_link_organisation(bytea) to naervaer_app;
grant execute on function app_current_org() to naervaer_app;
