-- Reminder join links, and medication reminders that survive a change of settings (issue 7, items 9 and 17).
--
-- A reminder for a video appointment carries a link. It used to be a 90-day citizen sign-in; now it is a link of its
-- own kind, bound to one appointment: whoever holds it can see when that appointment is and join its video session,
-- nothing else (not the citizen's appointments, settings or crisis plan), and only until shortly after it ends.
-- SECURITY DEFINER functions here follow migration 005: search_path pinned to pg_catalog, pg_temp and every name
-- schema-qualified, so nothing planted in a writable schema can stand in for what they call.

create table public.reminder_links (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  appointment_id uuid not null,
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  -- The reminder whose message carries the link: one link per reminder, however often its sending is retried.
  -- Set null if retention later deletes the sent reminder; the link has long expired by then.
  reminder_id uuid unique references public.reminders (id) on delete set null,
  -- sha-256 of the 256-bit secret; the secret itself is never stored (the dispatcher derives it again, see
  -- server/links/reminder-links.ts)
  secret_hash bytea not null unique check (length(secret_hash) = 32),
  -- which server key the secret was derived with
  key_id text not null check (length(key_id) between 1 and 100),
  -- the appointment's worker, on whose behalf the dispatcher issued it
  created_by uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by uuid,
  first_used_at timestamptz,
  last_used_at timestamptz,
  uses integer not null default 0 check (uses >= 0),
  unique (organisation_id, id),
  foreign key (organisation_id, appointment_id) references public.appointments (organisation_id, id),
  foreign key (organisation_id, citizen_id, citizen_role) references public.users (organisation_id, id, role),
  foreign key (organisation_id, created_by) references public.users (organisation_id, id),
  foreign key (organisation_id, revoked_by) references public.users (organisation_id, id),
  check (expires_at > created_at),
  check ((uses = 0) = (first_used_at is null))
);
create index reminder_links_appointment on public.reminder_links (appointment_id);

select public.enable_tenant_isolation('public.reminder_links');
grant select, insert, update on public.reminder_links to naervaer_app;

-- The narrow session a reminder link is exchanged for. It is a sign-in session row (so revoking, expiry, deactivation
-- and the signalling handshake treat it like any other) that carries no signed session token: its holder presents a
-- random token, stored here hashed, in a cookie that only the /api/join routes read.
alter table public.auth_sessions
  add column reminder_link_id uuid references public.reminder_links (id) on delete cascade,
  add column join_token_hash bytea unique check (length(join_token_hash) = 32),
  add constraint auth_sessions_join_token_with_link check ((reminder_link_id is null) = (join_token_hash is null));

-- The database, not each code path, keeps links in step with their appointment: cancelling it revokes its links and
-- the sessions they gave; moving it moves their expiry by as much as the appointment moved.
create function public.reminder_links_follow_appointment()
  returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    if new.status = 'cancelled' and old.status <> 'cancelled' then
      update public.reminder_links set revoked_at = now() where appointment_id = new.id and revoked_at is null;
      update public.auth_sessions set revoked_at = now()
      where revoked_at is null and reminder_link_id in (select id from public.reminder_links where appointment_id = new.id);
    elsif new.ends_at <> old.ends_at then
      update public.reminder_links set expires_at = expires_at + (new.ends_at - old.ends_at) where appointment_id = new.id;
      update public.auth_sessions set expires_at = expires_at + (new.ends_at - old.ends_at)
      where reminder_link_id in (select id from public.reminder_links where appointment_id = new.id);
    end if;
    return null;
  end
  $$;
create trigger appointments_reminder_links after update of status, ends_at on public.appointments
  for each row execute function public.reminder_links_follow_appointment();

-- A reminder link is presented before its organisation is known: return only where it belongs.
create function public.reminder_link_organisation(p_secret_hash bytea)
  returns uuid
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$ select organisation_id from public.reminder_links where secret_hash = p_secret_hash $$;
revoke all on function public.reminder_link_organisation(bytea) from public;
grant execute on function public.reminder_link_organisation(bytea) to naervaer_app;

-- The one consent rule for reminders: a channel may be used for a citizen when the citizen is active, chose that
-- channel (which the settings table only allows with recorded consent), and has the address it needs. Planning
-- (appointments and medication), cancelling after a change of settings and the dispatcher's last check before
-- sending all ask this function. It runs with the caller's rights: under row-level security for the application.
create function public.reminder_channel_allowed(p_citizen_id uuid, p_channel text)
  returns boolean
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select coalesce((
      select u.active and case p_channel
               when 'sms' then s.sms_reminders and u.phone is not null
               when 'email' then s.email_reminders and u.email is not null
               else false
             end
      from public.users u join public.citizen_settings s on s.citizen_id = u.id
      where u.id = p_citizen_id), false)
  $$;
revoke all on function public.reminder_channel_allowed(uuid, text) from public;
grant execute on function public.reminder_channel_allowed(uuid, text) to naervaer_app;

-- Medication reminders, planned a little ahead: each (schedule, local day, time) is one outbox row per channel the
-- consent rule allows. Planning is the single source of what should be pending: a reminder that was cancelled (a
-- channel switched off and on again) but is still ahead comes back to life under its own key, instead of being
-- skipped by the key as before, which lost up to two days of reminders after any change of settings.
-- Called from an organisation's transaction (app.org_id set) it plans for that organisation only; the dispatcher
-- calls it outside one, for everybody. p_citizen_id narrows it to one citizen (after their settings changed).
-- The range is clamped to [now, now + 7 days]: never in the past (that would send stale reminders at once) and never
-- an unbounded series.
drop function if exists public.plan_medication_reminders(timestamptz, timestamptz);
create function public.plan_medication_reminders(p_from timestamptz, p_until timestamptz, p_citizen_id uuid default null)
  returns integer
  language sql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
    with bounds as (
      select greatest(p_from, now()) as lo, least(p_until, now() + interval '7 days') as hi
    ), occurrences as (
      select m.id as schedule_id, m.organisation_id, m.citizen_id, ((d::date + t) at time zone o.time_zone) as due
      from public.medication_schedules m
      join public.organisations o on o.id = m.organisation_id
      cross join bounds b
      cross join lateral pg_catalog.generate_series((b.lo at time zone o.time_zone)::date::timestamp,
                                                    (b.hi at time zone o.time_zone)::date::timestamp, interval '1 day') d
      cross join lateral pg_catalog.unnest(m.times_of_day) t
      where m.active and b.lo < b.hi
        and pg_catalog.date_part('isodow', d)::int = any (m.weekdays)
        and (p_citizen_id is null or m.citizen_id = p_citizen_id)
        and (public.app_current_org() is null or m.organisation_id = public.app_current_org())
    ), planned as (
      insert into public.reminders as r (organisation_id, citizen_id, medication_schedule_id, kind, channel, due_at, next_attempt_at, idempotency_key)
      select x.organisation_id, x.citizen_id, x.schedule_id, 'medication', c.channel, x.due, x.due,
             'medication:' || x.schedule_id || ':' || (pg_catalog.date_part('epoch', x.due)::bigint * 1000) || ':' || c.channel
      from occurrences x
      cross join bounds b
      cross join (values ('sms'), ('email')) c(channel)
      where x.due >= b.lo and x.due < b.hi and public.reminder_channel_allowed(x.citizen_id, c.channel)
      on conflict (idempotency_key) do update set status = 'pending', attempts = 0, last_error = null, leased_until = null,
        next_attempt_at = excluded.next_attempt_at
        where r.status = 'cancelled'
      returning 1
    )
    select count(*)::int from planned
  $$;
revoke all on function public.plan_medication_reminders(timestamptz, timestamptz, uuid) from public;
grant execute on function public.plan_medication_reminders(timestamptz, timestamptz, uuid) to naervaer_app;
