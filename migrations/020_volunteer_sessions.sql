-- Volunteers' own sessions (issue 12): the regular times a volunteer publishes and a matched citizen books from, a
-- practice call with an IT helper, the citizen's camera-and-microphone check that their worker sees, and the one-time
-- guest link a citizen approves for a relative or helper to join one session.

-- A volunteer's recurring weekly availability: on `weekday` (ISO: 1 = Monday) from start to end minute, local time
-- in the organisation's zone, cut into slots of `slot_minutes`, within the active period. Free times are computed
-- from this minus the volunteer's appointments (server/volunteer-times/); nothing is generated into the table.
create table public.volunteer_availability (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  volunteer_id uuid not null,
  volunteer_role text not null default 'volunteer' check (volunteer_role = 'volunteer'),
  weekday smallint not null check (weekday between 1 and 7),
  start_minute integer not null check (start_minute between 0 and 1439),
  end_minute integer not null check (end_minute between 1 and 1440),
  slot_minutes integer not null check (slot_minutes between 15 and 120),
  active_from date not null,
  active_until date,
  created_at timestamptz not null default now(),
  unique (organisation_id, id),
  foreign key (organisation_id, volunteer_id, volunteer_role) references public.users (organisation_id, id, role),
  check (end_minute - start_minute >= slot_minutes),
  check (active_until is null or active_until >= active_from)
);
create index volunteer_availability_volunteer on public.volunteer_availability (volunteer_id, weekday);

-- What a citizen's camera-and-microphone check found, whenever they tried it. Their worker sees the newest.
create table public.device_checks (
  id bigint generated always as identity primary key,
  organisation_id uuid not null references public.organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  result text not null check (result in ('video', 'audio_only', 'none')),
  checked_at timestamptz not null default now(),
  foreign key (organisation_id, citizen_id, citizen_role) references public.users (organisation_id, id, role)
);
create index device_checks_citizen on public.device_checks (citizen_id, checked_at desc);

-- A practice call between a citizen and an IT helper is an appointment hosted by the volunteer, marked so.
alter table public.appointments
  add column purpose text not null default 'support' check (purpose in ('support', 'practice'));

-- A guest (a relative, a helper) has no account and never signs in. In a call they still need an identity the call
-- log can name (call_participants references users), so each approved invitation gets a row of role 'guest': a name
-- the citizen chose, no e-mail, no phone, no password. No route of the application ever shows it (the policy below).
alter table public.users drop constraint users_role_check;
alter table public.users add constraint users_role_check check (role in ('citizen', 'worker', 'volunteer', 'coordinator', 'guest'));
alter table public.users drop constraint staff_have_email;
alter table public.users add constraint staff_have_email check (role in ('citizen', 'guest') or email is not null);
alter table public.users add constraint guests_have_nothing_but_a_name
  check (role <> 'guest' or (email is null and phone is null and password_hash is null));
alter table public.call_participants drop constraint call_participants_role_check;
alter table public.call_participants add constraint call_participants_role_check
  check (role in ('citizen', 'worker', 'volunteer', 'coordinator', 'guest'));

-- Guests are invisible to every signed-in person's transaction (people lists, colleagues, …); only work done for no
-- person — the guest's own link routes and the live call — sees them. (Not the owner: the functions below close guests
-- whoever's request ended their session.)
create policy guests_only_in_their_call on public.users as restrictive to naervaer_app, naervaer_volunteer
  using (role <> 'guest' or public.app_current_role() is null)
  with check (role <> 'guest' or public.app_current_role() is null);

-- The citizen's invitation of one guest to one of their video appointments. The citizen writes the guest's name (what
-- the host sees in the waiting room), then approves it: only then is the one-time link made (its secret's hash here,
-- the secret only in the link's fragment). Using it once gives the guest a narrow session (its token's hash here)
-- that can join that appointment's session and nothing else, until the invitation expires with the appointment.
create table public.guest_invitations (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id),
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  appointment_id uuid not null,
  guest_name text not null check (length(btrim(guest_name)) between 1 and 60),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  approved_at timestamptz,
  secret_hash bytea unique check (length(secret_hash) = 32),
  used_at timestamptz,
  guest_user_id uuid,
  guest_user_role text not null default 'guest' check (guest_user_role = 'guest'),
  session_token_hash bytea unique check (length(session_token_hash) = 32),
  revoked_at timestamptz,
  unique (organisation_id, id),
  foreign key (organisation_id, citizen_id, citizen_role) references public.users (organisation_id, id, role),
  foreign key (organisation_id, appointment_id) references public.appointments (organisation_id, id),
  foreign key (organisation_id, guest_user_id, guest_user_role) references public.users (organisation_id, id, role),
  check ((approved_at is null) = (secret_hash is null)),
  check (used_at is null or approved_at is not null),
  check ((used_at is null) = (session_token_hash is null)),
  check ((used_at is null) = (guest_user_id is null))
);
create index guest_invitations_citizen on public.guest_invitations (citizen_id, created_at desc);
create index guest_invitations_appointment on public.guest_invitations (appointment_id);

-- A guest link is presented before its organisation is known: say only where it belongs (as citizen_link_organisation).
create function public.guest_link_organisation(p_secret_hash bytea) returns uuid
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$ select g.organisation_id from public.guest_invitations g where g.secret_hash = p_secret_hash $$;
revoke all on function public.guest_link_organisation(bytea) from public;
grant execute on function public.guest_link_organisation(bytea) to naervaer_app;

select enable_tenant_isolation(t)
from unnest(array['volunteer_availability', 'device_checks', 'guest_invitations']::regclass[]) as t;
grant select, insert, update, delete on public.volunteer_availability to naervaer_app;
grant select, insert on public.device_checks to naervaer_app;
grant select, insert, update on public.guest_invitations to naervaer_app;

-- Per person, once a transaction says who asks: a volunteer sees and changes only their own regular times (citizens and
-- staff read them through the store, which asks volunteer_matched); a citizen sees only their own checks and
-- invitations. Work for no person (retention, the live call, the guest's link) is bound by the organisation alone.
create policy own_times on public.volunteer_availability as restrictive
  using (public.app_current_role() is distinct from 'volunteer' or volunteer_id = public.app_current_user())
  with check (public.app_current_role() is distinct from 'volunteer' or volunteer_id = public.app_current_user());
create policy own_checks on public.device_checks as restrictive
  using (public.app_current_role() is distinct from 'citizen' or citizen_id = public.app_current_user())
  with check (public.app_current_role() is distinct from 'citizen' or citizen_id = public.app_current_user());
create policy own_invitations on public.guest_invitations as restrictive
  using (public.app_current_role() is distinct from 'citizen' or citizen_id = public.app_current_user())
  with check (public.app_current_role() is distinct from 'citizen' or citizen_id = public.app_current_user());

-- A volunteer's requests run as naervaer_volunteer (migration 019): of these tables it gets only its own regular times.
-- Device checks and invitations are the citizen's: never granted to it.
grant select, insert, update, delete on public.volunteer_availability to naervaer_volunteer;
-- Whether an appointment they host is a practice call is the volunteer's to know (019 grants the other columns).
grant select (purpose) on public.appointments to naervaer_volunteer;

-- Retention: a guest exists for one session. When the session ends, or the appointment is cancelled, the guest's
-- name goes, their identity is closed and the invitation stops working.
create function public.close_guests_of_appointment(p_appointment uuid) returns void
  language sql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
  update public.users u set display_name = 'Gæst', active = false, updated_at = pg_catalog.now()
  from public.guest_invitations g
  where g.appointment_id = p_appointment and u.id = g.guest_user_id and (u.active or u.display_name <> 'Gæst');
  update public.guest_invitations g set revoked_at = pg_catalog.now(), guest_name = 'Gæst'
  where g.appointment_id = p_appointment and (g.revoked_at is null or g.guest_name <> 'Gæst');
$$;
revoke all on function public.close_guests_of_appointment(uuid) from public;

create function public.close_guests_on_session_end() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  if new.appointment_id is not null then
    perform public.close_guests_of_appointment(new.appointment_id);
  end if;
  return null;
end
$$;
revoke all on function public.close_guests_on_session_end() from public;
create trigger call_sessions_end_closes_guests
  after update of status on public.call_sessions
  for each row when (new.status = 'ended' and old.status <> 'ended')
  execute function public.close_guests_on_session_end();

create function public.close_guests_on_cancel() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  perform public.close_guests_of_appointment(new.id);
  return null;
end
$$;
revoke all on function public.close_guests_on_cancel() from public;
create trigger appointments_cancel_closes_guests
  after update of status on public.appointments
  for each row when (new.status = 'cancelled' and old.status <> 'cancelled')
  execute function public.close_guests_on_cancel();

-- A citizen anonymised by retention (008) takes their checks and invitations with them; their guests' names too.
create function public.delete_citizen_session_extras() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  delete from public.device_checks where citizen_id = new.id;
  update public.users u set display_name = 'Gæst', active = false, updated_at = pg_catalog.now()
  from public.guest_invitations g where g.citizen_id = new.id and u.id = g.guest_user_id;
  delete from public.guest_invitations where citizen_id = new.id;
  return null;
end
$$;
revoke all on function public.delete_citizen_session_extras() from public;
create trigger users_anonymised_delete_session_extras
  after update of anonymised_at on public.users
  for each row when (new.anonymised_at is not null and old.anonymised_at is null)
  execute function public.delete_citizen_session_extras();
