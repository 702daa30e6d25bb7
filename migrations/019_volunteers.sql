-- Volunteers as real actors (issue 12): a peer supporter or IT helper has a profile the coordinator keeps (the chosen
-- name the citizen sees, a presentation, languages, the task description, a contact person among the staff, an active
-- period); a worker proposes a volunteer to a citizen, who accepts or declines; either side ends it. Only an active
-- match lets a volunteer see a citizen at all (volunteer_matched, and the row policies below).

-- One row per volunteer user (users.role = 'volunteer').
create table volunteer_profiles (
  volunteer_id uuid primary key,
  organisation_id uuid not null references organisations (id),
  volunteer_role text not null default 'volunteer' check (volunteer_role = 'volunteer'),
  kind text not null check (kind in ('peer', 'it_helper')),
  -- the only name citizens see: a first name or a name the volunteer chose, never their e-mail
  chosen_name text not null check (length(btrim(chosen_name)) between 1 and 60),
  presentation text not null default '' check (length(presentation) <= 1000),
  languages text[] not null default '{da}'
    check (cardinality(languages) between 1 and 10 and languages <@ array['da', 'en', 'sv', 'de', 'no', 'ar', 'fa', 'so', 'tr', 'uk', 'pl', 'ur']::text[]),
  task_description text not null default '' check (length(task_description) <= 2000),
  -- a worker or coordinator who follows the volunteer up
  contact_person_id uuid,
  active_from date not null default current_date,
  active_until date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organisation_id, volunteer_id),
  foreign key (organisation_id, volunteer_id, volunteer_role) references users (organisation_id, id, role),
  foreign key (organisation_id, contact_person_id) references users (organisation_id, id),
  check (active_until is null or active_until >= active_from)
);
create index volunteer_profiles_contact on volunteer_profiles (contact_person_id);

create table volunteer_matches (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  volunteer_id uuid not null,
  volunteer_role text not null default 'volunteer' check (volunteer_role = 'volunteer'),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  status text not null check (status in ('proposed', 'active', 'declined', 'ended')),
  -- the staff member who proposed it
  proposed_by uuid,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  ended_at timestamptz,
  ended_by uuid,
  unique (organisation_id, id),
  foreign key (organisation_id, volunteer_id, volunteer_role) references users (organisation_id, id, role),
  foreign key (organisation_id, citizen_id, citizen_role) references users (organisation_id, id, role),
  foreign key (organisation_id, proposed_by) references users (organisation_id, id),
  foreign key (organisation_id, ended_by) references users (organisation_id, id),
  check ((status = 'proposed') = (decided_at is null)),
  check ((status = 'ended') = (ended_at is not null)),
  check (ended_by is null or ended_at is not null)
);
-- At most one proposed-or-active match per pair.
create unique index volunteer_matches_one_open on volunteer_matches (volunteer_id, citizen_id) where status in ('proposed', 'active');
create index volunteer_matches_citizen on volunteer_matches (citizen_id, status);

-- The citizen asks from their home for a volunteer of a kind; their workers answer by proposing one.
create table volunteer_wishes (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  kind text not null check (kind in ('peer', 'it_helper')),
  status text not null default 'open' check (status in ('open', 'answered', 'withdrawn')),
  created_at timestamptz not null default now(),
  answered_at timestamptz,
  answered_by uuid,
  match_id uuid,
  foreign key (organisation_id, citizen_id, citizen_role) references users (organisation_id, id, role),
  foreign key (organisation_id, answered_by) references users (organisation_id, id),
  foreign key (organisation_id, match_id) references volunteer_matches (organisation_id, id),
  check ((status = 'open') = (answered_at is null))
);
-- One open wish of each kind per citizen: asking again is the same wish.
create unique index volunteer_wishes_one_open on volunteer_wishes (citizen_id, kind) where status = 'open';

-- The contact person's supervision notes about a volunteer: how the volunteering goes, never about a citizen (the
-- screen says so, and no citizen id is kept here).
create table supervision_notes (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  volunteer_id uuid not null,
  author_id uuid not null,
  body text not null check (length(btrim(body)) between 1 and 4000),
  created_at timestamptz not null default now(),
  foreign key (organisation_id, volunteer_id) references volunteer_profiles (organisation_id, volunteer_id),
  foreign key (organisation_id, author_id) references users (organisation_id, id)
);
create index supervision_notes_volunteer on supervision_notes (volunteer_id, created_at desc);

select enable_tenant_isolation(t)
from unnest(array['volunteer_profiles', 'volunteer_matches', 'volunteer_wishes', 'supervision_notes']::regclass[]) as t;
grant select, insert, update on volunteer_profiles, volunteer_matches, volunteer_wishes to naervaer_app;
grant select, insert on supervision_notes to naervaer_app;

-- True when the volunteer and the citizen have an active match in the request's organisation. SECURITY DEFINER so
-- policies of other tables may ask it from any role without a grant on volunteer_matches.
create function public.volunteer_matched(p_volunteer uuid, p_citizen uuid) returns boolean
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select exists (
      select 1 from public.volunteer_matches m
      where m.volunteer_id = p_volunteer and m.citizen_id = p_citizen and m.status = 'active'
        and m.organisation_id = public.app_current_org()
    )
  $$;
revoke all on function public.volunteer_matched(uuid, uuid) from public;
grant execute on function public.volunteer_matched(uuid, uuid) to naervaer_app;

-- A volunteer's requests run as this group (inOrganisation sets it for a volunteer caller): it holds only the grants
-- a volunteer needs, so case data is not merely filtered away but refused.
do $$
begin
  create role naervaer_volunteer nologin nosuperuser nobypassrls noinherit;
exception when duplicate_object or unique_violation then
  null; -- cluster-wide: another database of this cluster created it already
end
$$;
grant usage on schema public to naervaer_volunteer;
grant execute on function public.volunteer_matched(uuid, uuid) to naervaer_volunteer;
