-- Issue 11, the morning attendance check and the follow-up after a no-show.
--
-- 1. A home visit or a phone appointment may carry a morning check (appointments.attendance_check): on the day, at the
--    organisation's morning hour (never inside the SMS quiet hours), the outbox sends "Passer det stadig i dag kl.
--    13.00? Svar JA, VIDEO eller NEJ." The citizen's answer comes back through the SMS gateway's incoming-message
--    webhook and is kept as one row per check (attendance_replies): the first answer counts, later ones change nothing.
-- 2. A no-show (an appointment's status, or a session's outcome — whichever route sets it) opens a follow-up for the
--    citizen's worker (follow_ups), by trigger, so no route can forget it. The worker plans actions with due times and
--    closes it with what happened. Two no-shows in a row without contact in between alert the coordinators.
-- All of it is case data: RLS forced, readable by the citizen's caseload workers and by coordinators, never by
-- volunteers, and it goes when retention anonymises the citizen.

-- ---- The check: on the appointment, and when in the morning it goes ----
alter table public.appointments add column attendance_check boolean not null default false;
alter table public.organisations add column attendance_check_time time not null default '07:30';

-- ---- The outbox learns a fifth kind: the check is an SMS tied to its appointment ----
do $$
declare
  v_name text;
begin
  -- migration 003's unnamed check that only kind 'appointment' has an appointment
  select c.conname into v_name from pg_catalog.pg_constraint c
  where c.conrelid = 'public.reminders'::regclass and c.contype = 'c'
    and pg_catalog.pg_get_constraintdef(c.oid) like '%''appointment''::text) = (appointment_id IS NOT NULL)%';
  if v_name is not null then
    execute pg_catalog.format('alter table public.reminders drop constraint %I', v_name);
  end if;
end
$$;
alter table public.reminders
  drop constraint reminders_kind_check,
  add constraint reminders_kind_check check (kind in ('appointment', 'medication', 'call_ready', 'duty_escalation', 'attendance_check')),
  add constraint reminders_appointment_kinds check ((kind in ('appointment', 'attendance_check')) = (appointment_id is not null)),
  add constraint reminders_attendance_check_sms check (kind <> 'attendance_check' or channel = 'sms');
create index reminders_attendance_sent on public.reminders (citizen_id, sent_at) where kind = 'attendance_check' and status = 'sent';

-- ---- The citizen's answer to a check ----
create table public.attendance_replies (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  -- one answer per check: a second SMS (or the gateway delivering the same one again) finds it taken
  reminder_id uuid not null unique references public.reminders (id) on delete cascade,
  appointment_id uuid not null,
  citizen_id uuid not null,
  answer text not null check (answer in ('yes', 'video', 'no', 'unclear')),
  -- the citizen's own words, kept only when they were not understood: the worker reads them
  reply_text text check (char_length(reply_text) <= 1000),
  -- the gateway's id of the incoming message
  provider_message_id text not null check (char_length(provider_message_id) <= 100),
  received_at timestamptz not null default now(),
  check (reply_text is null or answer = 'unclear'),
  foreign key (organisation_id, appointment_id) references public.appointments (organisation_id, id),
  foreign key (organisation_id, citizen_id) references public.users (organisation_id, id)
);
create index attendance_replies_appointment on public.attendance_replies (appointment_id);

-- ---- Follow-ups after a no-show ----
create table public.follow_ups (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  worker_id uuid not null,
  -- the cause: a missed appointment, a session whose outcome was no-show, or both (a booked video)
  appointment_id uuid,
  call_session_id uuid,
  -- when the missed appointment or session was: "in a row" is decided on these
  cause_at timestamptz not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  created_at timestamptz not null default now(),
  due_at timestamptz not null,
  closed_at timestamptz,
  closed_by uuid,
  result text check (result in ('reached', 'not_reached', 'other')),
  result_note text check (char_length(result_note) between 1 and 500),
  unique (organisation_id, id),
  check ((status = 'closed') = (closed_at is not null) and (closed_at is null) = (closed_by is null) and (closed_at is null) = (result is null)),
  check (result_note is null or result is not null),
  foreign key (organisation_id, citizen_id, citizen_role) references public.users (organisation_id, id, role),
  foreign key (organisation_id, worker_id) references public.users (organisation_id, id),
  foreign key (organisation_id, closed_by) references public.users (organisation_id, id),
  foreign key (organisation_id, appointment_id) references public.appointments (organisation_id, id),
  -- a call log that retention deletes leaves the follow-up standing, without its session
  foreign key (organisation_id, call_session_id) references public.call_sessions (organisation_id, id) on delete set null (call_session_id)
);
-- One follow-up per missed appointment or session, whichever route (or both) recorded the no-show.
create unique index follow_ups_one_per_appointment on public.follow_ups (appointment_id) where appointment_id is not null;
create unique index follow_ups_one_per_session on public.follow_ups (call_session_id) where call_session_id is not null;
create index follow_ups_worker_open on public.follow_ups (organisation_id, worker_id) where status = 'open';
create index follow_ups_citizen on public.follow_ups (citizen_id, cause_at);

-- What the worker will do, each with a due time: call, SMS, ask the duty team, go and see (a physical check).
create table public.follow_up_actions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  follow_up_id uuid not null,
  kind text not null check (kind in ('call', 'sms', 'duty', 'visit')),
  due_at timestamptz not null,
  done_at timestamptz,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  foreign key (organisation_id, follow_up_id) references public.follow_ups (organisation_id, id) on delete cascade,
  foreign key (organisation_id, created_by) references public.users (organisation_id, id)
);
create index follow_up_actions_follow_up on public.follow_up_actions (follow_up_id, due_at);

-- Two no-shows in a row without contact: the coordinators see a row on their I dag until one of them has seen it.
create table public.follow_up_alerts (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  citizen_id uuid not null,
  follow_up_id uuid not null,
  previous_follow_up_id uuid not null,
  created_at timestamptz not null default now(),
  seen_at timestamptz,
  seen_by uuid,
  unique (follow_up_id),
  check ((seen_at is null) = (seen_by is null)),
  foreign key (organisation_id, citizen_id) references public.users (organisation_id, id),
  foreign key (organisation_id, follow_up_id) references public.follow_ups (organisation_id, id) on delete cascade,
  foreign key (organisation_id, previous_follow_up_id) references public.follow_ups (organisation_id, id) on delete cascade,
  foreign key (organisation_id, seen_by) references public.users (organisation_id, id)
);
create index follow_up_alerts_unseen on public.follow_up_alerts (organisation_id) where seen_at is null;

select public.enable_tenant_isolation(t)
from unnest(array['public.attendance_replies', 'public.follow_ups', 'public.follow_up_actions', 'public.follow_up_alerts']::regclass[]) as t;
-- Granted to the application's role only: a volunteers' database role (migration 019) gets none of these.
grant select, insert on public.attendance_replies to naervaer_app;
grant select, insert, update on public.follow_ups, public.follow_up_alerts to naervaer_app;
grant select, insert, update, delete on public.follow_up_actions to naervaer_app;

-- ---- Who sees them, beyond the organisation: the citizen's caseload workers and coordinators, never volunteers ----
-- Work for no person (the webhook, the dispatcher, retention) sets no role and is bound by the organisation alone.
create function public.case_staff_of(p_citizen uuid) returns boolean
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select public.app_current_role() is null
        or public.app_current_role() = 'coordinator'
        or (public.app_current_role() = 'worker'
            and exists (select 1 from public.caseloads k where k.citizen_id = p_citizen and k.worker_id = public.app_current_user()))
  $$;
grant execute on function public.case_staff_of(uuid) to naervaer_app;

create policy case_staff on public.attendance_replies as restrictive to naervaer_app
  using (public.case_staff_of(citizen_id)) with check (public.case_staff_of(citizen_id));
-- A follow-up is also its own worker's (the one who missed the citizen), even if the citizen has left their caseload.
create policy case_staff on public.follow_ups as restrictive to naervaer_app
  using (public.case_staff_of(citizen_id) or (public.app_current_role() = 'worker' and worker_id = public.app_current_user()))
  with check (public.case_staff_of(citizen_id) or (public.app_current_role() = 'worker' and worker_id = public.app_current_user()));
create policy case_staff on public.follow_up_actions as restrictive to naervaer_app
  using (exists (select 1 from public.follow_ups f where f.id = follow_up_id))
  with check (exists (select 1 from public.follow_ups f where f.id = follow_up_id));
create policy coordinators on public.follow_up_alerts as restrictive to naervaer_app
  using (public.app_current_role() is null or public.app_current_role() = 'coordinator')
  with check (public.app_current_role() is null or public.app_current_role() = 'coordinator');

-- ---- The webhook knows only the sender's number: which check, sent today and not yet answered, it answers ----
-- Across organisations (the gateway's call carries no organisation), so a narrow SECURITY DEFINER function returning
-- ids only. "Today" is the organisation's local day. A number is not a person: a couple, a housing unit's phone, a
-- relative, one person known in two municipalities. So an answer counts only when exactly one unanswered check of
-- today went to that number; with two or more, nothing is returned and nothing changes (the worker sees "Ikke svaret"
-- and calls), rather than cancelling or moving someone else's appointment.
create function public.attendance_check_for_phone(p_phone text)
  returns table (organisation_id uuid, reminder_id uuid, appointment_id uuid, citizen_id uuid)
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    with open_checks as (
      select r.organisation_id, r.id, r.appointment_id, r.citizen_id
      from public.users u
      join public.reminders r on r.citizen_id = u.id and r.kind = 'attendance_check' and r.status = 'sent'
      join public.organisations o on o.id = r.organisation_id
      where u.phone = p_phone and u.role = 'citizen' and u.active
        and (r.sent_at at time zone o.time_zone)::date = (pg_catalog.now() at time zone o.time_zone)::date
        and not exists (select 1 from public.attendance_replies a where a.reminder_id = r.id)
    )
    select * from open_checks where (select count(*) from open_checks) = 1
  $$;
revoke all on function public.attendance_check_for_phone(text) from public;
grant execute on function public.attendance_check_for_phone(text) to naervaer_app;

-- ---- A no-show opens a follow-up ----
-- Called by the triggers below, in the transaction that recorded the no-show. "In a row without contact": the
-- citizen's previous follow-up (by when the missed appointment was) and no contact since — no appointment held, no
-- session held, no contact request of theirs answered, no follow-up closed as reached. Then every coordinator is
-- alerted (a row; the server's listener sends the live event). pg_notify carries ids only and is delivered on commit.
create function public.open_follow_up(p_org uuid, p_citizen uuid, p_worker uuid, p_appointment uuid, p_call uuid, p_cause_at timestamptz)
  returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
  declare
    v_id uuid;
    v_previous public.follow_ups;
    v_alert boolean := false;
  begin
    insert into public.follow_ups (organisation_id, citizen_id, worker_id, appointment_id, call_session_id, cause_at, due_at)
    values (p_org, p_citizen, p_worker, p_appointment, p_call, p_cause_at, pg_catalog.now() + interval '1 day')
    on conflict do nothing
    returning id into v_id;
    if v_id is null then
      return;
    end if;
    select * into v_previous from public.follow_ups f
    where f.citizen_id = p_citizen and f.id <> v_id and f.cause_at < p_cause_at
    order by f.cause_at desc limit 1;
    if v_previous.id is not null
       and not exists (select 1 from public.appointments a
                       where a.citizen_id = p_citizen and a.status = 'held' and a.starts_at > v_previous.cause_at and a.starts_at < p_cause_at)
       and not exists (select 1 from public.call_sessions c
                       where c.citizen_id = p_citizen and c.outcome = 'held'
                         and coalesce(c.started_at, c.created_at) > v_previous.cause_at and coalesce(c.started_at, c.created_at) < p_cause_at)
       and not exists (select 1 from public.contact_requests q
                       where q.citizen_id = p_citizen and q.claimed_at > v_previous.cause_at and q.claimed_at < p_cause_at)
       and not exists (select 1 from public.follow_ups f
                       where f.citizen_id = p_citizen and f.result = 'reached' and f.closed_at > v_previous.cause_at)
    then
      insert into public.follow_up_alerts (organisation_id, citizen_id, follow_up_id, previous_follow_up_id)
      values (p_org, p_citizen, v_id, v_previous.id);
      v_alert := true;
    end if;
    perform pg_catalog.pg_notify('naervaer_follow_ups',
      pg_catalog.json_build_object('organisationId', p_org, 'workerId', p_worker, 'alert', v_alert)::text);
  end
  $$;
revoke all on function public.open_follow_up(uuid, uuid, uuid, uuid, uuid, timestamptz) from public;

create function public.follow_up_after_no_show() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_table_name = 'appointments' then
    perform public.open_follow_up(new.organisation_id, new.citizen_id, new.worker_id, new.id, null, new.starts_at);
  else
    -- a booked session's follow-up is its appointment's (one, whichever route comes first)
    perform public.open_follow_up(new.organisation_id, new.citizen_id, new.worker_id, new.appointment_id, new.id,
      coalesce((select a.starts_at from public.appointments a where a.id = new.appointment_id), new.started_at, new.created_at));
  end if;
  return null;
end
$$;
revoke all on function public.follow_up_after_no_show() from public;

create trigger appointments_no_show_follow_up
  after update of status on public.appointments
  for each row when (new.status = 'no_show' and old.status is distinct from 'no_show')
  execute function public.follow_up_after_no_show();
create trigger call_sessions_no_show_follow_up
  after update of outcome on public.call_sessions
  for each row when (new.outcome = 'no_show' and old.outcome is distinct from 'no_show')
  execute function public.follow_up_after_no_show();

-- ---- Retention: the follow-ups and the check's answers are about the citizen, and go with them (008, 012, 014) ----
create function public.delete_follow_ups() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  delete from public.follow_up_alerts where citizen_id = new.id;
  delete from public.follow_ups where citizen_id = new.id;
  delete from public.attendance_replies where citizen_id = new.id;
  return null;
end
$$;
revoke all on function public.delete_follow_ups() from public;

create trigger users_anonymised_delete_follow_ups
  after update of anonymised_at on public.users
  for each row when (new.anonymised_at is not null and old.anonymised_at is null)
  execute function public.delete_follow_ups();
