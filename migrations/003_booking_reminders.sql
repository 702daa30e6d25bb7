-- Booking and reminders: appointments that cannot double-book a worker or a citizen, citizens' reminder choices
-- with recorded consent, an outbox of reminders sent by the dispatcher, medication reminder schedules, calendar
-- feed tokens and the citizen's change requests.

create extension if not exists btree_gist;

alter table organisations
  add column quiet_hours_start time not null default '21:00',
  add column quiet_hours_end time not null default '08:00',
  add column reminder_offsets_minutes integer[] not null default '{1440,60}'
    check (cardinality(reminder_offsets_minutes) <= 5 and 0 < all (reminder_offsets_minutes)),
  add column calendar_titles text not null default 'neutral' check (calendar_titles in ('neutral', 'initials'));

-- One row per citizen: their standing preference and reminder choices (consent recorded with who and when).
create table citizen_settings (
  citizen_id uuid primary key,
  organisation_id uuid not null references organisations (id),
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  preferred_modality text check (preferred_modality in ('video', 'phone', 'home_visit')),
  sms_reminders boolean not null default false,
  email_reminders boolean not null default false,
  reminders_at_night boolean not null default false,
  consent_recorded_at timestamptz,
  consent_recorded_by uuid,
  updated_at timestamptz not null default now(),
  foreign key (organisation_id, citizen_id, citizen_role) references users (organisation_id, id, role),
  foreign key (organisation_id, consent_recorded_by) references users (organisation_id, id),
  check ((sms_reminders or email_reminders) <= (consent_recorded_at is not null))
);

create table appointment_series (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  weeks integer not null check (weeks between 2 and 52),
  created_at timestamptz not null default now(),
  unique (organisation_id, id)
);

create table appointments (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  worker_id uuid not null,
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  series_id uuid,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  modality text not null check (modality in ('video', 'phone', 'home_visit', 'chat')),
  status text not null default 'booked' check (status in ('booked', 'cancelled', 'held', 'no_show', 'technical_failure')),
  staff_note text check (length(staff_note) <= 2000),
  status_reason text check (length(status_reason) <= 500),
  created_by uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organisation_id, id),
  foreign key (organisation_id, worker_id) references users (organisation_id, id),
  foreign key (organisation_id, citizen_id, citizen_role) references users (organisation_id, id, role),
  foreign key (organisation_id, series_id) references appointment_series (organisation_id, id),
  foreign key (organisation_id, created_by) references users (organisation_id, id),
  check (ends_at > starts_at and ends_at - starts_at <= interval '4 hours'),
  -- No double booking, decided by the database under any concurrency: a worker, and a citizen, can be in one
  -- (not cancelled) appointment at a time. Back-to-back is fine: ranges are [start, end).
  constraint appointments_worker_no_overlap exclude using gist
    (worker_id with =, tstzrange(starts_at, ends_at) with &&) where (status <> 'cancelled'),
  constraint appointments_citizen_no_overlap exclude using gist
    (citizen_id with =, tstzrange(starts_at, ends_at) with &&) where (status <> 'cancelled')
);
create index appointments_worker_time on appointments (organisation_id, worker_id, starts_at);
create index appointments_citizen_time on appointments (organisation_id, citizen_id, starts_at);

alter table call_sessions add column appointment_id uuid;
alter table call_sessions add foreign key (organisation_id, appointment_id) references appointments (organisation_id, id);

create table change_requests (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  appointment_id uuid not null,
  kind text not null check (kind in ('cancel', 'modality')),
  requested_modality text check (requested_modality in ('video', 'phone', 'home_visit')),
  status text not null default 'open' check (status in ('open', 'accepted', 'declined')),
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  decided_by uuid,
  foreign key (organisation_id, appointment_id) references appointments (organisation_id, id),
  foreign key (organisation_id, decided_by) references users (organisation_id, id),
  check ((kind = 'modality') = (requested_modality is not null))
);
create unique index change_requests_one_open on change_requests (appointment_id) where status = 'open';

create table medication_schedules (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  times_of_day time[] not null check (cardinality(times_of_day) between 1 and 8),
  weekdays integer[] not null check (cardinality(weekdays) between 1 and 7 and 1 <= all (weekdays) and 7 >= all (weekdays)),
  -- wording agreed with the citizen; shown to nobody else
  wording text not null check (length(btrim(wording)) between 1 and 300),
  active boolean not null default true,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  unique (organisation_id, id),
  foreign key (organisation_id, citizen_id, citizen_role) references users (organisation_id, id, role),
  foreign key (organisation_id, created_by) references users (organisation_id, id)
);

-- The outbox. Rows are written in the same transaction as the booking that causes them; the dispatcher claims due
-- rows with FOR UPDATE SKIP LOCKED and a lease, so several dispatchers never take the same row, and a crashed one's
-- rows come back after the lease. The idempotency key goes to the provider with every attempt.
create table reminders (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  citizen_id uuid not null,
  appointment_id uuid,
  medication_schedule_id uuid,
  kind text not null check (kind in ('appointment', 'medication')),
  channel text not null check (channel in ('sms', 'email')),
  due_at timestamptz not null,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'cancelled')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  leased_until timestamptz,
  last_error text check (length(last_error) <= 500),
  idempotency_key text not null unique,
  provider_message_id text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  foreign key (organisation_id, citizen_id) references users (organisation_id, id),
  foreign key (organisation_id, appointment_id) references appointments (organisation_id, id),
  foreign key (organisation_id, medication_schedule_id) references medication_schedules (organisation_id, id),
  check ((kind = 'appointment') = (appointment_id is not null)),
  check ((kind = 'medication') = (medication_schedule_id is not null))
);
create index reminders_due on reminders (next_attempt_at) where status = 'pending';
create index reminders_appointment on reminders (appointment_id);

create table calendar_feeds (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  worker_id uuid not null,
  token_hash bytea not null unique check (length(token_hash) = 32),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  foreign key (organisation_id, worker_id) references users (organisation_id, id)
);

select enable_tenant_isolation(t)
from unnest(array['citizen_settings', 'appointment_series', 'appointments', 'change_requests', 'medication_schedules', 'reminders', 'calendar_feeds']::regclass[]) as t;

grant select, insert, update on citizen_settings, appointment_series, appointments, change_requests,
  medication_schedules, reminders, calendar_feeds to naervaer_app;

-- The dispatcher works for every organisation at once: it claims due reminders through this one function, which
-- returns only ids and organisations; the sending itself then runs in each organisation's RLS context.
create function claim_due_reminders(p_limit integer, p_lease_seconds integer)
  returns table (reminder_id uuid, organisation_id uuid)
  language sql volatile security definer
  set search_path = public, pg_temp
  as $$
    update reminders r set leased_until = now() + make_interval(secs => p_lease_seconds), attempts = r.attempts + 1
    from (
      select id from reminders
      where status = 'pending' and next_attempt_at <= now() and (leased_until is null or leased_until < now())
      order by next_attempt_at
      limit p_limit
      for update skip locked
    ) due
    where r.id = due.id
    returning r.id, r.organisation_id
  $$;
revoke all on function claim_due_reminders(integer, integer) from public;
grant execute on function claim_due_reminders(integer, integer) to naervaer_app;

-- A calendar app presents only the feed token: find the feed's organisation, nothing else.
create function calendar_feed_organisation(p_token_hash bytea)
  returns uuid
  language sql stable security definer
  set search_path = public, pg_temp
  as $$ select organisation_id from calendar_feeds where token_hash = p_token_hash and revoked_at is null $$;
revoke all on function calendar_feed_organisation(bytea) from public;
grant execute on function calendar_feed_organisation(bytea) to naervaer_app;

-- Medication reminders are planned a little ahead by the dispatcher, for every organisation, through this function:
-- each (schedule, local day, time) becomes one outbox row per chosen channel; the key makes re-planning harmless.
create function plan_medication_reminders(p_from timestamptz, p_until timestamptz)
  returns integer
  language sql volatile security definer
  set search_path = public, pg_temp
  as $$
    with occurrences as (
      select m.id as schedule_id, m.organisation_id, m.citizen_id, ((d::date + t) at time zone o.time_zone) as due
      from medication_schedules m
      join organisations o on o.id = m.organisation_id
      cross join lateral generate_series((p_from at time zone o.time_zone)::date, (p_until at time zone o.time_zone)::date, interval '1 day') d
      cross join lateral unnest(m.times_of_day) t
      where m.active and extract(isodow from d)::int = any (m.weekdays)
    ), inserted as (
      insert into reminders (organisation_id, citizen_id, medication_schedule_id, kind, channel, due_at, next_attempt_at, idempotency_key)
      select x.organisation_id, x.citizen_id, x.schedule_id, 'medication', c.channel, x.due, x.due,
             'medication:' || x.schedule_id || ':' || (extract(epoch from x.due)::bigint * 1000) || ':' || c.channel
      from occurrences x
      join users u on u.id = x.citizen_id and u.active
      join citizen_settings s on s.citizen_id = x.citizen_id
      cross join (values ('sms'), ('email')) c(channel)
      where x.due >= p_from and x.due < p_until
        and ((c.channel = 'sms' and s.sms_reminders and u.phone is not null) or (c.channel = 'email' and s.email_reminders and u.email is not null))
      on conflict (idempotency_key) do nothing
      returning 1
    )
    select count(*)::int from inserted
  $$;
revoke all on function plan_medication_reminders(timestamptz, timestamptz) from public;
grant execute on function plan_medication_reminders(timestamptz, timestamptz) to naervaer_app;
