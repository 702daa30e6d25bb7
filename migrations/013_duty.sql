-- Issue 10, duty: the citizen's contact requests ("Jeg vil gerne tale med nogen"), routed to their own worker within
-- that worker's working hours and otherwise to the duty queue of the shifts on now whose team covers them; the
-- roster (shifts, which teams cover which), the chat of a chat request, and the escalation SMS through the outbox.
--
-- Which unit a citizen belongs to: the teams of the workers holding them in a caseload (users.team_id of those
-- workers), plus the citizen's own users.team_id when a coordinator set one. A team always covers its own citizens;
-- duty_team_coverage adds the other teams a team answers for while on shift (a night team covering several units).

-- ---- The organisation's duty settings ----
alter table public.organisations
  add column request_answer_minutes integer not null default 10 check (request_answer_minutes between 1 and 240),
  add column out_of_hours_text text not null
    default 'Lige nu kan ingen svare i Nærvær. Er det akut, så ring:' check (length(out_of_hours_text) <= 1000),
  -- [{label, number}], shown big and tappable when no one can answer
  add column emergency_numbers jsonb not null default '[{"label": "Alarmcentralen", "number": "112"}]'
    check (jsonb_typeof(emergency_numbers) = 'array' and jsonb_array_length(emergency_numbers) <= 6),
  add column escalate_to_coordinators boolean not null default false;

-- A team's duty phone: the escalation SMS goes to a shift's own phone, else to its team's.
alter table public.teams add column duty_phone text check (duty_phone ~ '^\+[1-9][0-9]{6,14}$');

-- ---- Working hours: a worker's weekly pattern, in minutes from local midnight in the organisation's zone ----
create table public.working_hours (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  worker_id uuid not null,
  worker_role text not null default 'worker' check (worker_role = 'worker'),
  weekday smallint not null check (weekday between 1 and 7),
  start_minute integer not null check (start_minute between 0 and 1439),
  end_minute integer not null check (end_minute between 1 and 1440),
  check (end_minute > start_minute),
  foreign key (organisation_id, worker_id, worker_role) references public.users (organisation_id, id, role),
  exclude using gist (worker_id with =, weekday with =, int4range(start_minute, end_minute) with &&)
);

-- ---- Coverage and shifts ----
create table public.duty_team_coverage (
  organisation_id uuid not null references public.organisations (id),
  team_id uuid not null,
  covered_team_id uuid not null,
  primary key (team_id, covered_team_id),
  check (team_id <> covered_team_id),
  foreign key (organisation_id, team_id) references public.teams (organisation_id, id),
  foreign key (organisation_id, covered_team_id) references public.teams (organisation_id, id)
);
create index duty_team_coverage_covered on public.duty_team_coverage (covered_team_id);

-- A shift: one person on duty for one team from starts_at to ends_at. The database refuses two shifts of the same
-- person that overlap (as bookings refuse double-booking, migration 003); shifts that only touch (16–23, 23–07) fit.
create table public.duty_shifts (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  team_id uuid not null,
  worker_id uuid not null,
  worker_role text not null check (worker_role in ('worker', 'coordinator')),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  duty_phone text check (duty_phone ~ '^\+[1-9][0-9]{6,14}$'),
  created_by uuid,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at and ends_at - starts_at <= interval '24 hours'),
  unique (organisation_id, id),
  foreign key (organisation_id, team_id) references public.teams (organisation_id, id),
  foreign key (organisation_id, worker_id, worker_role) references public.users (organisation_id, id, role),
  foreign key (organisation_id, created_by) references public.users (organisation_id, id),
  constraint duty_shifts_no_overlap exclude using gist (worker_id with =, tstzrange(starts_at, ends_at) with &&)
);
create index duty_shifts_time on public.duty_shifts using gist (organisation_id, tstzrange(starts_at, ends_at));

-- ---- Contact requests ----
-- One row per request: it is also the session-log entry of kind "citizen-initiated" (time to answer = claimed_at -
-- created_at); a video one links the call session its claim opened (call_sessions.kind 'citizen_initiated').
create table public.contact_requests (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  way text not null check (way in ('video', 'phone', 'chat')),
  topic text check (length(topic) <= 200),
  status text not null default 'waiting' check (status in ('waiting', 'claimed', 'closed', 'cancelled')),
  answerer text not null check (answerer in ('own_worker', 'duty')),
  -- the own worker named to the citizen when it went to them first
  own_worker_id uuid,
  answer_by timestamptz not null,
  moved_to_duty_at timestamptz,
  escalated_at timestamptz,
  claimed_by uuid,
  claimed_at timestamptz,
  ended_at timestamptz,
  call_session_id uuid,
  created_at timestamptz not null default now(),
  unique (organisation_id, id),
  check ((claimed_by is not null) = (claimed_at is not null)),
  check (status not in ('claimed', 'closed') or claimed_by is not null),
  check ((status in ('closed', 'cancelled')) = (ended_at is not null)),
  foreign key (organisation_id, citizen_id, citizen_role) references public.users (organisation_id, id, role),
  foreign key (organisation_id, own_worker_id) references public.users (organisation_id, id),
  foreign key (organisation_id, claimed_by) references public.users (organisation_id, id),
  -- a call log that retention deletes leaves the request standing, without its session
  foreign key (organisation_id, call_session_id) references public.call_sessions (organisation_id, id) on delete set null (call_session_id)
);
-- One waiting request per citizen: a second press while one waits is refused, not queued twice.
create unique index contact_requests_one_waiting on public.contact_requests (citizen_id) where status = 'waiting';
create index contact_requests_waiting on public.contact_requests (organisation_id, answer_by) where status = 'waiting';
create index contact_requests_citizen on public.contact_requests (citizen_id, created_at desc);

-- The chat of a chat request: case material, readable by the citizen and the staff who handled the request.
create table public.contact_messages (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  request_id uuid not null,
  author_id uuid not null,
  body text not null check (length(btrim(body)) between 1 and 2000),
  created_at timestamptz not null default now(),
  foreign key (organisation_id, request_id) references public.contact_requests (organisation_id, id) on delete cascade,
  foreign key (organisation_id, author_id) references public.users (organisation_id, id)
);
create index contact_messages_request on public.contact_messages (request_id, created_at);

select public.enable_tenant_isolation(t)
from unnest(array['public.working_hours', 'public.duty_team_coverage', 'public.duty_shifts', 'public.contact_requests', 'public.contact_messages']::regclass[]) as t;
grant select, insert, update, delete on public.working_hours, public.duty_team_coverage, public.duty_shifts to naervaer_app;
grant select, insert, update on public.contact_requests, public.contact_messages to naervaer_app;

-- ---- Sessions opened by claiming a video request ----
alter table public.call_sessions
  drop constraint call_sessions_kind_check,
  add constraint call_sessions_kind_check check (kind in ('planned', 'ad_hoc', 'citizen_initiated'));

-- ---- The escalation SMS: a fourth kind in the outbox, to a staff phone, tied to its request ----
alter table public.reminders
  add column contact_request_id uuid,
  add column recipient_phone text check (recipient_phone ~ '^\+[1-9][0-9]{6,14}$'),
  add constraint reminders_contact_request foreign key (organisation_id, contact_request_id)
    references public.contact_requests (organisation_id, id) on delete cascade,
  drop constraint reminders_kind_check,
  add constraint reminders_kind_check check (kind in ('appointment', 'medication', 'call_ready', 'duty_escalation')),
  add constraint reminders_duty_escalation check ((kind = 'duty_escalation') = (contact_request_id is not null and recipient_phone is not null)),
  add constraint reminders_duty_escalation_sms check (kind <> 'duty_escalation' or channel = 'sms');
create index reminders_contact_request on public.reminders (contact_request_id) where contact_request_id is not null;

-- ---- Who answers for a citizen ----

-- The teams a citizen belongs to: their caseload workers' teams and their own team.
create function public.citizen_teams(p_citizen uuid)
  returns setof uuid
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select w.team_id from public.caseloads c join public.users w on w.id = c.worker_id
    where c.citizen_id = p_citizen and w.team_id is not null
    union
    select u.team_id from public.users u where u.id = p_citizen and u.team_id is not null
  $$;

-- The shifts on at p_at whose team covers the citizen (their own team, or a team covering it), of active staff.
create function public.covering_shifts(p_citizen uuid, p_at timestamptz)
  returns setof public.duty_shifts
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select s.* from public.duty_shifts s
    join public.users w on w.id = s.worker_id and w.active
    where s.starts_at <= p_at and p_at < s.ends_at
      and (s.team_id in (select public.citizen_teams(p_citizen))
           or exists (select 1 from public.duty_team_coverage c
                      where c.team_id = s.team_id and c.covered_team_id in (select public.citizen_teams(p_citizen))))
  $$;

-- Whether a staff member answers for a citizen now: on a covering shift, or they took a request of the citizen's.
-- SECURITY INVOKER: runs inside the request's organisation (RLS applies). The crisis plan (migration 014) asks it.
create function public.duty_covers_citizen(p_user uuid, p_citizen uuid)
  returns boolean
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select exists (select 1 from public.covering_shifts(p_citizen, pg_catalog.now()) s where s.worker_id = p_user)
        or exists (select 1 from public.contact_requests r where r.citizen_id = p_citizen and r.claimed_by = p_user)
  $$;

-- The duty tick, run every few seconds by every server (server/duty/ticker.ts), for all organisations:
--  1. a request to the own worker not claimed by its deadline moves to the duty queue, with a new deadline;
--  2. a request in the duty queue not claimed by its deadline is escalated: one SMS per distinct duty phone of the
--     shifts covering the citizen now (and the coordinators' mobiles when the organisation wants that), written to
--     the outbox, and an audit row. Each step's UPDATE … WHERE is its guard: two servers ticking at once serialise
--     on the row lock, and the second finds the condition false, so each happens exactly once. The SMS rows' keys
--     name the request and the phone, so even a repeat could not plan a second one.
-- Returns the requests it changed (for the live events) and what it did to each.
create function public.duty_tick()
  returns table (organisation_id uuid, request_id uuid, citizen_id uuid, action text, sms integer)
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
  #variable_conflict use_column
  declare
    r record;
    v_phones text[];
  begin
    for r in
      update public.contact_requests q
      set answerer = 'duty', moved_to_duty_at = pg_catalog.now(),
          answer_by = pg_catalog.now() + pg_catalog.make_interval(mins => o.request_answer_minutes)
      from public.organisations o
      where o.id = q.organisation_id and q.status = 'waiting' and q.answerer = 'own_worker' and q.answer_by <= pg_catalog.now()
      returning q.organisation_id, q.id, q.citizen_id
    loop
      organisation_id := r.organisation_id; request_id := r.id; citizen_id := r.citizen_id; action := 'moved_to_duty'; sms := 0;
      return next;
    end loop;

    for r in
      update public.contact_requests q set escalated_at = pg_catalog.now()
      where q.status = 'waiting' and q.answerer = 'duty' and q.escalated_at is null and q.answer_by <= pg_catalog.now()
      returning q.organisation_id, q.id, q.citizen_id
    loop
      select coalesce(pg_catalog.array_agg(distinct p.phone), '{}') into v_phones from (
        select coalesce(s.duty_phone, t.duty_phone) as phone
        from public.covering_shifts(r.citizen_id, pg_catalog.now()) s join public.teams t on t.id = s.team_id
        union
        select u.phone from public.users u join public.organisations o on o.id = u.organisation_id
        where o.escalate_to_coordinators and u.organisation_id = r.organisation_id and u.role = 'coordinator' and u.active
      ) p where p.phone is not null;
      insert into public.reminders (organisation_id, citizen_id, contact_request_id, recipient_phone, kind, channel, due_at, next_attempt_at, idempotency_key)
      select r.organisation_id, r.citizen_id, r.id, phone, 'duty_escalation', 'sms', pg_catalog.now(), pg_catalog.now(),
             'duty_escalation:' || r.id::text || ':' || phone
      from pg_catalog.unnest(v_phones) as phone
      on conflict (idempotency_key) do nothing;
      insert into public.audit_events (organisation_id, actor_id, actor_role, action, subject_id, detail)
      values (r.organisation_id, null, null, 'duty.escalate', r.citizen_id,
              pg_catalog.jsonb_build_object('requestId', r.id, 'sms', pg_catalog.cardinality(v_phones)));
      organisation_id := r.organisation_id; request_id := r.id; citizen_id := r.citizen_id; action := 'escalated';
      sms := pg_catalog.cardinality(v_phones);
      return next;
    end loop;
  end
  $$;
revoke all on function public.duty_tick() from public;
grant execute on function public.duty_tick() to naervaer_app;

-- ---- Retention: contact requests are case material and session-log entries ----
-- A request, its chat and its escalation SMS rows go when the call logs do (retention_call_log_days after it ended);
-- an anonymised citizen's chat messages and topics go at once (migration 008 anonymises the person, this their words).
-- Its own function beside apply_retention(), called in the same statement by server/retention/store.ts.
create function public.apply_duty_retention()
  returns table (organisation_id uuid, category text, affected integer)
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
  #variable_conflict use_column
  declare
    o record;
    v_count integer;
    v_detail jsonb;
  begin
    if not pg_catalog.pg_try_advisory_xact_lock(1852142706, 13) then
      return;
    end if;
    for o in select * from public.organisations order by id loop
      v_detail := '{}'::jsonb;
      delete from public.contact_messages m
        using public.contact_requests r join public.users u on u.id = r.citizen_id
        where m.request_id = r.id and r.organisation_id = o.id and u.anonymised_at is not null;
      update public.contact_requests r set topic = null
        from public.users u
        where u.id = r.citizen_id and r.organisation_id = o.id and u.anonymised_at is not null and r.topic is not null;
      delete from public.contact_requests r
        where r.organisation_id = o.id
          and coalesce(r.ended_at, r.claimed_at, r.created_at) < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_call_log_days);
      get diagnostics v_count = row_count;
      if v_count > 0 then
        organisation_id := o.id; category := 'contact_requests_deleted'; affected := v_count; return next;
        v_detail := v_detail || pg_catalog.jsonb_build_object(category, v_count);
      end if;
      if v_detail <> '{}'::jsonb then
        insert into public.audit_events (organisation_id, actor_id, actor_role, action, subject_id, detail)
        values (o.id, null, null, 'retention.apply', null, v_detail);
      end if;
    end loop;
  end
  $$;
revoke all on function public.apply_duty_retention() from public;
grant execute on function public.apply_duty_retention() to naervaer_app;

-- ---- The chat, per person: beyond the organisation, a message is readable only by the request's citizen and the
-- staff member who took it, once the transaction says who is asking. The chat's queries set app.user_id
-- (server/duty/store.ts), so this is a second lock behind the store's own check: a query that forgot the check still
-- shows a stranger nothing. Work on behalf of no person (the RLS fixtures, maintenance) sets none and is bound by the
-- organisation alone.
create function public.app_current_user() returns uuid
  language sql stable
  as $$ select nullif(pg_catalog.current_setting('app.user_id', true), '')::pg_catalog.uuid $$;

create policy chat_participants on public.contact_messages as restrictive to naervaer_app
  using (public.app_current_user() is null
         or exists (select 1 from public.contact_requests r
                    where r.id = request_id and public.app_current_user() in (r.citizen_id, r.claimed_by)))
  with check (public.app_current_user() is null
              or (author_id = public.app_current_user()
                  and exists (select 1 from public.contact_requests r
                              where r.id = request_id and public.app_current_user() in (r.citizen_id, r.claimed_by))));

-- The same second lock on the requests themselves: once a transaction says who is asking, a request is visible only
-- to its citizen, to the one who took it, to the citizen's own workers, and to staff on a shift now covering them —
-- the rule server/duty/store.ts applies. (The duty tick and retention run as the owner and are not bound by it.)
create policy request_answerers on public.contact_requests as restrictive to naervaer_app
  using (public.app_current_user() is null
         or public.app_current_user() in (citizen_id, claimed_by)
         or exists (select 1 from public.caseloads k where k.citizen_id = contact_requests.citizen_id and k.worker_id = public.app_current_user())
         or exists (select 1 from public.covering_shifts(contact_requests.citizen_id, pg_catalog.now()) s where s.worker_id = public.app_current_user()));
