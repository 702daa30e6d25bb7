-- Who asks, in every request's transaction: inOrganisation (server/db/database.ts) now sets app.user_id and
-- app.user_role for the signed-in caller of an HTTP route (server/db/actor.ts), not only the duty store. Row policies
-- per person (migration 013) and per role (from here on) read these two; work for no person leaves both empty.
create function public.app_current_role() returns text
  language sql stable
  as $$ select nullif(pg_catalog.current_setting('app.user_role', true), '') $$;

-- With the caller now known in every request, the requests' own rule (013) also binds reads that never went through
-- the duty store's claim checks: the coordinator's figures and overviews. Coordinators plan the duty and may act on
-- any request, so they see them all; the chat (contact_messages) stays with the two people in it.
drop policy request_answerers on public.contact_requests;
create policy request_answerers on public.contact_requests as restrictive to naervaer_app
  using (public.app_current_user() is null
         or public.app_current_role() = 'coordinator'
         or public.app_current_user() in (citizen_id, claimed_by)
         or exists (select 1 from public.caseloads k where k.citizen_id = contact_requests.citizen_id and k.worker_id = public.app_current_user())
         or exists (select 1 from public.covering_shifts(contact_requests.citizen_id, pg_catalog.now()) s where s.worker_id = public.app_current_user()));

-- The reminder outbox as monitoring sees it (/metrics, server/metrics/): across organisations, counts only — how many
-- are due and not yet sent, and how late the oldest of them is. Nothing about whom they are for.
create function public.reminder_outbox_health()
  returns table (due bigint, oldest_due_seconds double precision, pending bigint)
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select count(*) filter (where r.next_attempt_at <= pg_catalog.now()),
           coalesce(extract(epoch from pg_catalog.now() - min(r.next_attempt_at) filter (where r.next_attempt_at <= pg_catalog.now())), 0)::double precision,
           count(*)
    from public.reminders r where r.status = 'pending'
  $$;
revoke all on function public.reminder_outbox_health() from public;
grant execute on function public.reminder_outbox_health() to naervaer_app;
