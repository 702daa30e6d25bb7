-- Issue 11, figures: what municipalities report (server/statistics/). Two things are stored here; everything else is
-- counted from the rows the product already keeps (appointments, call_sessions, call_participants, contact_requests).
--
-- 1. Travel saved. Each citizen's one-way distance and travel time from their team's base, set once by a worker or a
--    coordinator. A held, planned video or phone appointment with a citizen whose distance is set stood instead of a
--    home visit and saved the round trip: 2 × km and 2 × minutes (server/statistics/store.ts, README "Statistics").
--    Where a citizen lives is personal: both go when retention anonymises the citizen (as 012 clears call notes), so
--    their earlier sessions no longer count towards travel saved after that.
alter table public.users
  add column travel_km numeric(6, 1) check (travel_km between 0 and 1000),
  add column travel_minutes integer check (travel_minutes between 0 and 1440),
  add constraint users_travel_citizens_only check (role = 'citizen' or (travel_km is null and travel_minutes is null));

-- Before the row is written, so the anonymising update itself carries the cleared distance.
create function public.clear_citizen_travel() returns trigger
  language plpgsql
  set search_path = pg_catalog, pg_temp
as $$
begin
  new.travel_km := null;
  new.travel_minutes := null;
  return new;
end
$$;

create trigger users_anonymised_clear_travel
  before update of anonymised_at on public.users
  for each row when (new.anonymised_at is not null and old.anonymised_at is null)
  execute function public.clear_citizen_travel();

-- 2. Speed. A figure covers a period (one month or a few) and the period before it, organisation-wide or for one
--    team: the query reads only the rows whose time falls in those months. The existing indexes lead with a worker or
--    a citizen, so an organisation-wide range would scan whole tables (≈1.44 M appointments after three years of
--    2,000 citizens × 20 contacts a month). These indexes lead with the organisation and the time, and carry the
--    columns the figures count, so the months asked for are read from the index alone.
--
--    Why not a monthly summary table: the figures include medians and a 90th percentile (call quality, time to
--    answer), which cannot be added up from monthly parts, and outcomes, travel distances and team membership change
--    after the month they describe; a summary kept right by triggers on five tables would be more code that can be
--    wrong than the query it saves. `npm run bench:stats` measures this choice at that volume against the same
--    figures computed with these indexes left out (bench/stats.ts).
create index appointments_org_time_stats on public.appointments (organisation_id, starts_at)
  include (worker_id, citizen_id, modality, status) where status <> 'cancelled';
create index call_sessions_org_started_stats on public.call_sessions (organisation_id, started_at)
  include (worker_id, kind, appointment_id) where started_at is not null;
create index call_sessions_org_created_ad_hoc on public.call_sessions (organisation_id, created_at)
  include (worker_id, outcome) where kind = 'ad_hoc' and appointment_id is null;
create index contact_requests_org_created on public.contact_requests (organisation_id, created_at)
  include (citizen_id, own_worker_id, claimed_by, claimed_at, way);
