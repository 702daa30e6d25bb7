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

-- The citizen's matches and wishes are about them: they go when retention anonymises the citizen (008, 014).
create function public.delete_citizen_volunteer_matches() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  delete from public.volunteer_wishes where citizen_id = new.id;
  delete from public.volunteer_matches where citizen_id = new.id;
  return null;
end
$$;
revoke all on function public.delete_citizen_volunteer_matches() from public;
create trigger users_anonymised_delete_volunteer_matches
  after update of anonymised_at on public.users
  for each row when (new.anonymised_at is not null and old.anonymised_at is null and new.role = 'citizen')
  execute function public.delete_citizen_volunteer_matches();

-- ---------------------------------------------------------------------------------------------------------------
-- Zero case data for volunteers, enforced by the database.
--
-- inOrganisation (server/db/database.ts) runs a volunteer's transaction as naervaer_volunteer (SET LOCAL ROLE). That
-- role holds only the grants below: every other table (notes, goals, crisis plans, medication, settings, contact
-- requests and chat, reminders, links, push subscriptions, supervision notes, wishes, the audit log's reading …) and
-- the users' phone, e-mail and password hash are refused with "permission denied", not filtered. What it may read,
-- restrictive policies narrow to the volunteer's own rows and their active matches.
--
-- The policies key on current_user rather than naming the role in TO: the application's login is granted
-- naervaer_volunteer (to be allowed to switch to it), and where PostgreSQL (before 16) cannot grant a role without
-- inheriting it, a policy TO naervaer_volunteer would also bind every staff request of that login.
create function public.app_as_volunteer() returns boolean
  language sql stable
  as $$ select current_user = 'naervaer_volunteer' $$;

-- Helpers for the policies. SECURITY DEFINER so a policy of one table can look at another (and call_participants at
-- itself) without recursion or extra grants; each keeps to the request's organisation itself, as the owner is not
-- bound by row-level security.

-- The caller takes part (or took part) in this session.
create function public.volunteer_took_part(p_session uuid) returns boolean
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select exists (
      select 1 from public.call_participants p
      where p.session_id = p_session and p.user_id = public.app_current_user() and p.organisation_id = public.app_current_org()
    )
  $$;

-- This participant row belongs to a session the caller takes part in.
create function public.volunteer_sees_participant(p_participant uuid) returns boolean
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select exists (
      select 1 from public.call_participants p
      join public.call_participants mine on mine.session_id = p.session_id and mine.user_id = public.app_current_user()
      where p.id = p_participant and p.organisation_id = public.app_current_org()
    )
  $$;

-- Whose row in users a volunteer may read (never their phone, e-mail or password hash: those columns are not granted):
-- their own, the staff's (names of colleagues and of their contact person are no case data), their active matches',
-- and the people of an open session they were brought into (a worker's call: they see the name there anyway).
create function public.volunteer_sees_user(p_user uuid) returns boolean
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select p_user = public.app_current_user()
      or exists (select 1 from public.users u
                 where u.id = p_user and u.organisation_id = public.app_current_org() and u.role in ('worker', 'coordinator'))
      or public.volunteer_matched(public.app_current_user(), p_user)
      or exists (
        select 1 from public.call_participants mine
        join public.call_sessions s on s.id = mine.session_id and s.status = 'open'
        join public.call_participants other on other.session_id = s.id and other.user_id = p_user
        where mine.user_id = public.app_current_user() and mine.organisation_id = public.app_current_org()
      )
  $$;

-- Changing one's own password verifies the current one; a volunteer may not read the column, so this is the way.
create function public.app_own_password_hash(p_user uuid) returns text
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select u.password_hash from public.users u
    where u.id = p_user and p_user = public.app_current_user() and u.organisation_id = public.app_current_org()
  $$;

-- The policy helpers stay executable by every role: a policy is checked for whoever queries the table (the owner
-- too, tests/rls.test.ts), and they answer only about the caller's own context. The password hash is not for all.
revoke all on function public.app_own_password_hash(uuid) from public;
grant execute on function public.volunteer_took_part(uuid), public.volunteer_sees_participant(uuid),
  public.volunteer_sees_user(uuid), public.app_own_password_hash(uuid), public.app_as_volunteer() to naervaer_app, naervaer_volunteer;
grant execute on function public.app_current_org(), public.app_current_user(), public.app_current_role() to naervaer_volunteer;

-- What a volunteer's requests read and write, and nothing more.
grant select on organisations, teams to naervaer_volunteer;
grant select (id, organisation_id, team_id, role, display_name, preferred_language, active, created_at, updated_at,
              deactivated_at, anonymised_at) on users to naervaer_volunteer;
grant update (password_hash, updated_at) on users to naervaer_volunteer;
grant select (id, organisation_id, user_id, created_at, expires_at, revoked_at, reminder_link_id) on auth_sessions to naervaer_volunteer;
grant update (revoked_at) on auth_sessions to naervaer_volunteer;
grant select (id, organisation_id, worker_id, citizen_id, citizen_role, kind, status, created_at, started_at, ended_at,
              ended_by, end_reason, appointment_id) on call_sessions to naervaer_volunteer;
grant select on call_participants, call_segments to naervaer_volunteer;
grant select (id, organisation_id, worker_id, citizen_id, citizen_role, series_id, starts_at, ends_at, modality, status,
              created_by, created_at, updated_at) on appointments to naervaer_volunteer;
grant select on volunteer_profiles, volunteer_matches to naervaer_volunteer;
grant update (status, decided_at, ended_at, ended_by) on volunteer_matches to naervaer_volunteer;
-- Written, never read: a volunteer's reads of names (open sessions) leave an audit row like anyone's.
grant insert on audit_events to naervaer_volunteer;

create policy volunteer_scope on users as restrictive for select
  using (not public.app_as_volunteer() or public.volunteer_sees_user(id));
create policy volunteer_own_row on users as restrictive for update
  using (not public.app_as_volunteer() or id = public.app_current_user())
  with check (not public.app_as_volunteer() or id = public.app_current_user());
create policy volunteer_scope on auth_sessions as restrictive for all
  using (not public.app_as_volunteer() or user_id = public.app_current_user())
  with check (not public.app_as_volunteer() or user_id = public.app_current_user());
create policy volunteer_scope on call_sessions as restrictive for all
  using (not public.app_as_volunteer() or public.volunteer_took_part(id));
create policy volunteer_scope on call_participants as restrictive for all
  using (not public.app_as_volunteer() or public.volunteer_took_part(session_id));
create policy volunteer_scope on call_segments as restrictive for all
  using (not public.app_as_volunteer() or public.volunteer_sees_participant(participant_id));
-- A volunteer hosts an appointment as its worker_id (volunteer-hosted times).
create policy volunteer_scope on appointments as restrictive for all
  using (not public.app_as_volunteer() or worker_id = public.app_current_user());
create policy volunteer_scope on volunteer_profiles as restrictive for all
  using (not public.app_as_volunteer() or volunteer_id = public.app_current_user());
-- A proposal is the citizen's to answer: the volunteer hears of a match once it is active (and that it ended).
-- What a volunteer may write is ending their own match: the row a change leaves must be theirs and ended (never a
-- match brought back to 'active', which would show them the citizen again).
create policy volunteer_scope on volunteer_matches as restrictive for all
  using (not public.app_as_volunteer() or (volunteer_id = public.app_current_user() and status in ('active', 'ended')))
  with check (not public.app_as_volunteer() or (volunteer_id = public.app_current_user() and status = 'ended'));
create policy volunteer_own_rows on audit_events as restrictive for insert
  with check (not public.app_as_volunteer() or actor_id = public.app_current_user());

-- Signing out revokes the sign-in, and this trigger then drops that sign-in's push subscription. It ran with the
-- caller's rights; a volunteer has no grant on push_subscriptions (and needs none), so it now runs as the owner. It
-- touches only the subscriptions of the sign-in that ended.
alter function public.push_subscriptions_follow_sign_in() security definer set search_path = pg_catalog, pg_temp;
