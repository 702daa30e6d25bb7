-- Notes and goals (issue 11): the citizen's goals from the §141 action plan, the two-minute note after every session
-- (video, phone, home visit, chat, citizen-initiated) tied to those goals, and the citizen's own word on how a session
-- was ("Hvordan var det at tale sammen i dag?"). All of it is case data: RLS forced, a restrictive policy per person
-- and role on top of the organisation's, never granted to anyone but naervaer_app (volunteers' role gets none of it),
-- and it goes when retention anonymises the citizen.

-- A coordinator's choice: whether citizens read their own final notes ("Det skrev vi"). Off until decided.
alter table public.organisations add column citizens_read_notes boolean not null default false;

-- ---- Goals ----
create table public.citizen_goals (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  title text not null check (char_length(btrim(title)) between 1 and 120),
  description text check (char_length(description) <= 1000),
  status text not null default 'active' check (status in ('active', 'achieved', 'paused')),
  created_by uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organisation_id, id),
  foreign key (organisation_id, citizen_id, citizen_role) references public.users (organisation_id, id, role),
  foreign key (organisation_id, created_by) references public.users (organisation_id, id)
);
create index citizen_goals_citizen on public.citizen_goals (citizen_id, created_at);

-- ---- Session notes ----
-- One row per note. A draft is saved as the worker types (so a reload or another device shows it); finalising it
-- fixes it and sets the linked appointment's status to the outcome. The links say which session it is about; a call
-- log or a request that retention deletes leaves the note standing without the link.
create table public.session_notes (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  author_id uuid not null,
  way text not null check (way in ('video', 'phone', 'home_visit', 'chat', 'citizen_initiated')),
  occurred_at timestamptz not null default now(),
  duration_minutes integer check (duration_minutes between 0 and 600),
  outcome text check (outcome in ('held', 'no_show', 'technical_failure')),
  topics text check (char_length(topics) <= 2000),
  agreements text check (char_length(agreements) <= 2000),
  next_step text check (char_length(next_step) <= 2000),
  concerns text check (char_length(concerns) <= 2000),
  free_text text check (char_length(free_text) <= 2000),
  status text not null default 'draft' check (status in ('draft', 'final')),
  call_session_id uuid,
  appointment_id uuid,
  contact_request_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finalised_at timestamptz,
  unique (organisation_id, id),
  check ((status = 'final') = (finalised_at is not null)),
  -- a final note says how the session went
  check (status = 'draft' or outcome is not null),
  foreign key (organisation_id, citizen_id, citizen_role) references public.users (organisation_id, id, role),
  foreign key (organisation_id, author_id) references public.users (organisation_id, id),
  foreign key (organisation_id, call_session_id) references public.call_sessions (organisation_id, id) on delete set null (call_session_id),
  foreign key (organisation_id, appointment_id) references public.appointments (organisation_id, id),
  foreign key (organisation_id, contact_request_id) references public.contact_requests (organisation_id, id) on delete set null (contact_request_id)
);
create index session_notes_citizen on public.session_notes (citizen_id, occurred_at desc);
-- One draft per author per session, appointment or request: opening the note again finds the draft being written.
create unique index session_notes_one_draft_call on public.session_notes (author_id, call_session_id) where status = 'draft' and call_session_id is not null;
create unique index session_notes_one_draft_appointment on public.session_notes (author_id, appointment_id) where status = 'draft' and appointment_id is not null;
create unique index session_notes_one_draft_request on public.session_notes (author_id, contact_request_id) where status = 'draft' and contact_request_id is not null;

-- Which goals a note concerned.
create table public.session_note_goals (
  organisation_id uuid not null references public.organisations (id),
  note_id uuid not null,
  goal_id uuid not null,
  primary key (note_id, goal_id),
  foreign key (organisation_id, note_id) references public.session_notes (organisation_id, id) on delete cascade,
  foreign key (organisation_id, goal_id) references public.citizen_goals (organisation_id, id) on delete cascade
);
create index session_note_goals_goal on public.session_note_goals (goal_id);

-- ---- The citizen's voice ----
-- One answer per session at most. The column names are read by the statistics (moods per month), keep them.
create table public.citizen_feedback (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  call_session_id uuid,
  appointment_id uuid,
  mood text not null check (mood in ('good', 'ok', 'bad')),
  comment text check (char_length(btrim(comment)) between 1 and 500),
  shared_with_worker boolean not null default false,
  created_at timestamptz not null default now(),
  foreign key (organisation_id, citizen_id, citizen_role) references public.users (organisation_id, id, role),
  foreign key (organisation_id, call_session_id) references public.call_sessions (organisation_id, id) on delete set null (call_session_id),
  foreign key (organisation_id, appointment_id) references public.appointments (organisation_id, id)
);
create unique index citizen_feedback_one_per_call on public.citizen_feedback (call_session_id) where call_session_id is not null;
create index citizen_feedback_citizen on public.citizen_feedback (citizen_id, created_at desc);
create index citizen_feedback_month on public.citizen_feedback (organisation_id, created_at);

select public.enable_tenant_isolation(t)
from unnest(array['public.citizen_goals', 'public.session_notes', 'public.session_note_goals', 'public.citizen_feedback']::regclass[]) as t;
-- Goals are paused or achieved, not deleted; feedback is given once and never changed.
grant select, insert, update on public.citizen_goals to naervaer_app;
grant select, insert, update, delete on public.session_notes, public.session_note_goals to naervaer_app;
grant select, insert on public.citizen_feedback to naervaer_app;

-- ---- Who sees which rows, once a transaction says who asks (server/db/actor.ts, migrations 013 and 015) ----
-- The stores check the same rules and answer "not found"; these policies are the second lock, so a query that forgot
-- the check still shows a stranger nothing. Work for no person (retention, the RLS fixtures) is bound by the
-- organisation alone.

-- Whether the asking staff member keeps this citizen's case: a worker holding them in a caseload, or a coordinator.
create function public.keeps_citizen_case(p_citizen uuid) returns boolean
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select public.app_current_role() = 'coordinator'
        or (public.app_current_role() = 'worker'
            and exists (select 1 from public.caseloads k where k.citizen_id = p_citizen and k.worker_id = public.app_current_user()))
  $$;
grant execute on function public.keeps_citizen_case(uuid) to naervaer_app;

create policy goal_keepers on public.citizen_goals as restrictive to naervaer_app
  using (public.app_current_user() is null or public.keeps_citizen_case(citizen_id))
  with check (public.app_current_user() is null or public.keeps_citizen_case(citizen_id));

-- A note: its author, the citizen's workers and the coordinators; the citizen only a final one, and only when the
-- organisation lets citizens read their notes. Volunteers never. Only the author writes it.
create policy note_readers on public.session_notes as restrictive to naervaer_app
  using (public.app_current_user() is null
         or (public.app_current_role() in ('worker', 'coordinator')
             and (author_id = public.app_current_user() or public.keeps_citizen_case(citizen_id)))
         or (public.app_current_role() = 'citizen' and citizen_id = public.app_current_user() and status = 'final'
             and exists (select 1 from public.organisations o where o.citizens_read_notes)))
  with check (public.app_current_user() is null
              or (public.app_current_role() in ('worker', 'coordinator') and author_id = public.app_current_user()));

-- A note's goals are seen with the note (the subquery is itself bound by the note's policy).
create policy note_goal_readers on public.session_note_goals as restrictive to naervaer_app
  using (public.app_current_user() is null or exists (select 1 from public.session_notes n where n.id = note_id))
  with check (public.app_current_user() is null or exists (select 1 from public.session_notes n where n.id = note_id));

-- The citizen's own answers; staff see one only when the citizen shared it and they hold the citizen in their
-- caseload (a coordinator, holding none, sees individual answers of no one). Only the citizen writes them.
create policy feedback_readers on public.citizen_feedback as restrictive to naervaer_app
  using (public.app_current_user() is null
         or (public.app_current_role() = 'citizen' and citizen_id = public.app_current_user())
         or (public.app_current_role() in ('worker', 'coordinator') and shared_with_worker
             and exists (select 1 from public.caseloads k where k.citizen_id = citizen_feedback.citizen_id and k.worker_id = public.app_current_user())))
  with check (public.app_current_user() is null
              or (public.app_current_role() = 'citizen' and citizen_id = public.app_current_user()));

-- Counting answers needs no person's rows: how many of each mood per month (in the organisation's zone), for the
-- organisation of the transaction, whoever asks. SECURITY DEFINER so the policy above (which hides unshared answers
-- from staff) does not hide them from the count; it returns counts only.
create function public.citizen_feedback_moods(p_from timestamptz, p_until timestamptz)
  returns table (month date, mood text, answers integer)
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select pg_catalog.date_trunc('month', f.created_at at time zone o.time_zone)::date, f.mood, pg_catalog.count(*)::integer
    from public.citizen_feedback f join public.organisations o on o.id = f.organisation_id
    where f.organisation_id = public.app_current_org() and f.created_at >= p_from and f.created_at < p_until
    group by 1, 2 order by 1, 2
  $$;
revoke all on function public.citizen_feedback_moods(timestamptz, timestamptz) from public;
grant execute on function public.citizen_feedback_moods(timestamptz, timestamptz) to naervaer_app;

-- ---- Retention: goals, notes and feedback are about the citizen and go when retention anonymises them (008) ----
create function public.delete_notes_goals_feedback() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  delete from public.session_note_goals g using public.session_notes n where g.note_id = n.id and n.citizen_id = new.id;
  delete from public.session_notes where citizen_id = new.id;
  delete from public.citizen_goals where citizen_id = new.id;
  delete from public.citizen_feedback where citizen_id = new.id;
  return null;
end
$$;
revoke all on function public.delete_notes_goals_feedback() from public;

create trigger users_anonymised_delete_notes_goals_feedback
  after update of anonymised_at on public.users
  for each row when (new.anonymised_at is not null and old.anonymised_at is null)
  execute function public.delete_notes_goals_feedback();
