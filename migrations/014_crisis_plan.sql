-- The crisis plan (issue 10): the citizen's own plan, written with their worker. Every save is a new version row
-- (who, when, the whole plan), so "who changed what, when" is a query; the citizen may propose a change at any time,
-- which their worker accepts (possibly edited with them, making a version) or declines. The citizen also decides
-- who besides their own worker may read it: 'own_worker' (the default) or 'duty_too' (duty staff covering them at
-- night). All of it is case data: RLS forced, and it goes when retention anonymises the citizen.

create table crisis_plans (
  organisation_id uuid not null references organisations (id),
  citizen_id uuid primary key,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  consent text not null default 'own_worker' check (consent in ('own_worker', 'duty_too')),
  -- who last set the consent and when (null until it was first set): it is the citizen's decision
  consent_set_at timestamptz,
  consent_set_by uuid,
  -- the newest version's number, 0 while there is none; saves compare against it so two editors never overwrite
  -- each other unseen
  current_version integer not null default 0 check (current_version >= 0),
  created_at timestamptz not null default now(),
  unique (organisation_id, citizen_id),
  foreign key (organisation_id, citizen_id, citizen_role) references users (organisation_id, id, role),
  foreign key (organisation_id, consent_set_by) references users (organisation_id, id),
  check ((consent_set_at is null) = (consent_set_by is null))
);

-- The plan's sections, as one row per saved version. Texts may be empty (a plan grows over time); contacts are
-- [{"name": …, "phone": …}], the people the citizen calls.
create table crisis_plan_versions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  citizen_id uuid not null,
  version integer not null check (version >= 1),
  warning_signs text not null check (char_length(warning_signs) <= 2000),
  what_helps text not null check (char_length(what_helps) <= 2000),
  what_i_do text not null check (char_length(what_i_do) <= 2000),
  contacts jsonb not null check (jsonb_typeof(contacts) = 'array' and jsonb_array_length(contacts) <= 10),
  staff_should text not null check (char_length(staff_should) <= 2000),
  do_not_want text not null check (char_length(do_not_want) <= 2000),
  changed_by uuid not null,
  changed_at timestamptz not null default now(),
  -- set when the version is the citizen's proposal, accepted
  from_proposal_id uuid,
  unique (citizen_id, version),
  foreign key (organisation_id, citizen_id) references crisis_plans (organisation_id, citizen_id),
  foreign key (organisation_id, changed_by) references users (organisation_id, id)
);

-- The citizen's proposed plan (the whole plan as they would like it). One open proposal per citizen: proposing again
-- replaces the open one.
create table crisis_plan_proposals (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  citizen_id uuid not null,
  warning_signs text not null check (char_length(warning_signs) <= 2000),
  what_helps text not null check (char_length(what_helps) <= 2000),
  what_i_do text not null check (char_length(what_i_do) <= 2000),
  contacts jsonb not null check (jsonb_typeof(contacts) = 'array' and jsonb_array_length(contacts) <= 10),
  staff_should text not null check (char_length(staff_should) <= 2000),
  do_not_want text not null check (char_length(do_not_want) <= 2000),
  proposed_at timestamptz not null default now(),
  status text not null default 'open' check (status in ('open', 'accepted', 'declined')),
  decided_by uuid,
  decided_at timestamptz,
  accepted_version integer,
  unique (organisation_id, id),
  foreign key (organisation_id, citizen_id) references crisis_plans (organisation_id, citizen_id),
  foreign key (organisation_id, decided_by) references users (organisation_id, id),
  check ((status = 'open') = (decided_at is null) and (decided_at is null) = (decided_by is null)),
  check ((status = 'accepted') = (accepted_version is not null))
);
create unique index crisis_plan_proposals_one_open on crisis_plan_proposals (citizen_id) where status = 'open';
alter table crisis_plan_versions
  add foreign key (organisation_id, from_proposal_id) references crisis_plan_proposals (organisation_id, id);

select enable_tenant_isolation(t)
from unnest(array['crisis_plans', 'crisis_plan_versions', 'crisis_plan_proposals']::regclass[]) as t;
-- Versions are never changed or deleted by the application: the history is the point.
grant select, insert, update on crisis_plans, crisis_plan_proposals to naervaer_app;
grant select, insert on crisis_plan_versions to naervaer_app;

-- Who may read a citizen's crisis plan: an active worker who holds the citizen in their caseload, always; other
-- active paid staff (workers, coordinators) only when the citizen chose 'duty_too' and duty covers them now
-- (duty_covers_citizen, migration 013: on a covering shift, or they took a request of the citizen's).
-- Volunteers never. It runs with the caller's rights inside the request's organisation (RLS applies), and later
-- migrations may `create or replace` it (e.g. when the duty rule changes).
create function public.crisis_plan_readable_by(p_user uuid, p_citizen uuid) returns boolean
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select exists (
      select 1 from public.users u
      where u.id = p_user and u.active and u.role in ('worker', 'coordinator')
        and (
          exists (select 1 from public.caseloads c where c.worker_id = p_user and c.citizen_id = p_citizen)
          or (exists (select 1 from public.crisis_plans p where p.citizen_id = p_citizen and p.consent = 'duty_too')
              and public.duty_covers_citizen(p_user, p_citizen))
        )
    )
  $$;
grant execute on function public.crisis_plan_readable_by(uuid, uuid) to naervaer_app;

-- The plan is about the citizen: it goes when retention anonymises them, with their other case data (008, 012).
create function public.delete_crisis_plan() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  delete from public.crisis_plan_versions where citizen_id = new.id;
  delete from public.crisis_plan_proposals where citizen_id = new.id;
  delete from public.crisis_plans where citizen_id = new.id;
  return null;
end
$$;
revoke all on function public.delete_crisis_plan() from public;

create trigger users_anonymised_delete_crisis_plan
  after update of anonymised_at on public.users
  for each row when (new.anonymised_at is not null and old.anonymised_at is null)
  execute function public.delete_crisis_plan();
