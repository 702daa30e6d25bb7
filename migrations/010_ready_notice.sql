-- "Bo er klar" (issue 9): when a worker opens a video session, the citizen is told once — by Web Push on a device
-- where they asked for it, otherwise by SMS or e-mail with a one-time link that joins that session.
--
-- 1. push_subscriptions: a browser's push endpoint and keys, per citizen and device. The endpoint URL identifies
--    the device at its push service, so it is personal data: a subscription lives no longer than the sign-in on the
--    device that made it (revoking the sign-in deletes it, and retention's deletion of old sign-ins cascades), and the
--    dispatcher deletes it when the push service says it is gone (404/410).
-- 2. reminders of kind 'call_ready' (channel push, sms or email), sent by the same outbox and dispatcher as
--    appointment reminders, so they are retried and sent once.
-- 3. reminder_links that lead to a call session rather than an appointment, usable once.

create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  user_id uuid not null,
  -- The sign-in on the device that subscribed: the subscription goes with it.
  auth_session_id uuid not null references public.auth_sessions (id) on delete cascade,
  endpoint text not null check (length(endpoint) between 10 and 1000),
  -- The browser's P-256 public key (65 bytes) and auth secret (16 bytes), base64url as the Push API gives them.
  p256dh text not null check (p256dh ~ '^[A-Za-z0-9_-]{87}$'),
  auth text not null check (auth ~ '^[A-Za-z0-9_-]{22}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, endpoint),
  foreign key (organisation_id, user_id) references public.users (organisation_id, id)
);
create index push_subscriptions_session on public.push_subscriptions (auth_session_id);

select public.enable_tenant_isolation('public.push_subscriptions');
grant select, insert, update, delete on public.push_subscriptions to naervaer_app;

-- Signing out (or deactivation, or a password change that ends other sign-ins) ends the device's notifications too.
create function public.push_subscriptions_follow_sign_in()
  returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
  as $$
  begin
    delete from public.push_subscriptions where auth_session_id = new.id;
    return null;
  end
  $$;
create trigger auth_sessions_push_subscriptions after update of revoked_at on public.auth_sessions
  for each row when (old.revoked_at is null and new.revoked_at is not null)
  execute function public.push_subscriptions_follow_sign_in();

-- The outbox learns a third kind: "your worker is ready", tied to the call session it announces. A call log that
-- retention deletes takes its notices (and their links, below) with it.
alter table public.reminders
  add column call_session_id uuid,
  add constraint reminders_call_session foreign key (organisation_id, call_session_id)
    references public.call_sessions (organisation_id, id) on delete cascade,
  drop constraint reminders_kind_check,
  add constraint reminders_kind_check check (kind in ('appointment', 'medication', 'call_ready')),
  drop constraint reminders_channel_check,
  add constraint reminders_channel_check check (channel in ('sms', 'email', 'push')),
  add constraint reminders_call_ready_session check ((kind = 'call_ready') = (call_session_id is not null)),
  -- push is only for "ready" notices: appointment and medication reminders stay SMS and e-mail
  add constraint reminders_push_only_ready check (channel <> 'push' or kind = 'call_ready');
create index reminders_call_session on public.reminders (call_session_id) where call_session_id is not null;

-- A join link now leads either to an appointment (a reminder's link, usable until shortly after it ends) or to one
-- call session (a "ready" notice's link, usable once).
alter table public.reminder_links
  alter column appointment_id drop not null,
  add column call_session_id uuid,
  add column single_use boolean not null default false,
  add constraint reminder_links_call_session foreign key (organisation_id, call_session_id)
    references public.call_sessions (organisation_id, id) on delete cascade,
  add constraint reminder_links_target check (appointment_id is not null or call_session_id is not null),
  add constraint reminder_links_single_use check (not single_use or uses <= 1);

-- The one consent rule learns push: a citizen may be pushed to when they are active and a device of theirs asked for
-- it under a sign-in that still holds. SMS and e-mail are as before (migration 006).
create or replace function public.reminder_channel_allowed(p_citizen_id uuid, p_channel text)
  returns boolean
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$
    select case when p_channel = 'push' then exists (
             select 1 from public.push_subscriptions p
             join public.users u on u.id = p.user_id and u.active
             join public.auth_sessions a on a.id = p.auth_session_id and a.revoked_at is null and a.expires_at > pg_catalog.now()
             where p.user_id = p_citizen_id)
           else coalesce((
             select u.active and case p_channel
                      when 'sms' then s.sms_reminders and u.phone is not null
                      when 'email' then s.email_reminders and u.email is not null
                      else false
                    end
             from public.users u join public.citizen_settings s on s.citizen_id = u.id
             where u.id = p_citizen_id), false)
           end
  $$;
