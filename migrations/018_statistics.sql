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

-- 2. Speed: monthly summaries kept by triggers. A figure covers a period and the period before it; counted from the
--    raw rows, the organisation-wide figures read ≈ 80,000 appointments and 64,000 call participants for two months of
--    a 2,000-citizen municipality (3 years × 2,000 × 20 contacts a month = 1.44 M appointments), which took seconds.
--    The summaries hold, per organisation and local month (the organisation's time zone), what the figures add up:
--      statistics_contacts  contacts per worker, way of meeting, kind (planned / ad hoc / citizen-initiated) and outcome
--      statistics_travel    held, planned video/phone appointments per worker and citizen (the distance is the
--                           citizen's current one, joined when asked, so a distance set later counts at once)
--      statistics_calls     video sessions started and those in which anyone went audio only, per worker
--      statistics_quality   how many participants had each round trip (whole ms) and packet loss (0.01 %), for the
--                           organisation's medians; a team's or a worker's medians are counted from the raw rows,
--                           which for one team are few
--    Each source row's contribution is added when it is written and taken back when it changes or goes (retention
--    deletes take their rows out too), by the triggers below, in the writer's own transaction — so the figures are
--    always exactly what the raw rows say (tests/statistics.test.ts compares the two after changes). A change of the
--    organisation's time zone rebuilds its summaries. Requests' time to answer stays counted from contact_requests
--    (a few thousand a month, with its own index).
--    `npm run bench:stats` measures this at full volume against the same figures counted from the raw tables.

create table public.statistics_contacts (
  organisation_id uuid not null references public.organisations (id),
  month date not null,
  worker_id uuid not null,
  way text not null,
  kind text not null,
  -- held, no_show, technical_failure, or '' while there is none (a booked appointment)
  outcome text not null,
  contacts integer not null,
  primary key (organisation_id, month, worker_id, way, kind, outcome)
);
create table public.statistics_travel (
  organisation_id uuid not null references public.organisations (id),
  month date not null,
  worker_id uuid not null,
  citizen_id uuid not null,
  contacts integer not null,
  primary key (organisation_id, month, worker_id, citizen_id)
);
create table public.statistics_calls (
  organisation_id uuid not null references public.organisations (id),
  month date not null,
  worker_id uuid not null,
  calls integer not null,
  audio_only_calls integer not null,
  primary key (organisation_id, month, worker_id)
);
create table public.statistics_quality (
  organisation_id uuid not null references public.organisations (id),
  month date not null,
  metric text not null check (metric in ('rtt', 'loss')),
  value numeric not null,
  participants integer not null,
  primary key (organisation_id, month, metric, value)
);
select public.enable_tenant_isolation(t)
from unnest(array['public.statistics_contacts', 'public.statistics_travel', 'public.statistics_calls', 'public.statistics_quality']::regclass[]) as t;
-- Read by the figures; written only by the triggers (as the schema owner). Volunteers read none of it.
grant select on public.statistics_contacts, public.statistics_travel, public.statistics_calls, public.statistics_quality to naervaer_app;

-- The local month an instant falls in, in the organisation's time zone.
create function public.statistics_month(p_org uuid, p_at timestamptz) returns date
  language sql stable
  set search_path = pg_catalog, pg_temp
  as $$ select pg_catalog.date_trunc('month', p_at at time zone o.time_zone)::date from public.organisations o where o.id = p_org $$;

create function public.statistics_add_contact(p_org uuid, p_month date, p_worker uuid, p_way text, p_kind text, p_outcome text, p_delta integer) returns void
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    insert into public.statistics_contacts as s (organisation_id, month, worker_id, way, kind, outcome, contacts)
    values (p_org, p_month, p_worker, p_way, p_kind, coalesce(p_outcome, ''), p_delta)
    on conflict (organisation_id, month, worker_id, way, kind, outcome) do update set contacts = s.contacts + excluded.contacts
  $$;

-- ---- Appointments: a contact unless cancelled; held video/phone saves travel ----
create function public.statistics_appointment(a public.appointments, p_delta integer) returns void
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
as $$
declare
  v_month date;
begin
  if a.status = 'cancelled' then return; end if;
  v_month := public.statistics_month(a.organisation_id, a.starts_at);
  perform public.statistics_add_contact(a.organisation_id, v_month, a.worker_id, a.modality, 'planned',
    case when a.status in ('held', 'no_show', 'technical_failure') then a.status else '' end, p_delta);
  if a.status = 'held' and a.modality in ('video', 'phone') then
    insert into public.statistics_travel as s (organisation_id, month, worker_id, citizen_id, contacts)
    values (a.organisation_id, v_month, a.worker_id, a.citizen_id, p_delta)
    on conflict (organisation_id, month, worker_id, citizen_id) do update set contacts = s.contacts + excluded.contacts;
  end if;
end
$$;

-- ---- Call sessions: an ad hoc one is a contact; a started one is a call, with its participants' audio and quality ----
create function public.statistics_session_contact(s public.call_sessions, p_delta integer) returns void
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
as $$
begin
  if s.kind = 'ad_hoc' and s.appointment_id is null then
    perform public.statistics_add_contact(s.organisation_id, public.statistics_month(s.organisation_id, s.created_at), s.worker_id,
      'video', 'ad_hoc', coalesce(s.outcome, ''), p_delta);
  end if;
end
$$;

create function public.statistics_session_call(s public.call_sessions, p_delta integer) returns void
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
as $$
declare
  v_month date;
  v_audio integer;
begin
  if s.started_at is null then return; end if;
  v_month := public.statistics_month(s.organisation_id, s.started_at);
  select case when pg_catalog.bool_or(p.audio_only_used) then 1 else 0 end into v_audio from public.call_participants p where p.session_id = s.id;
  insert into public.statistics_calls as c (organisation_id, month, worker_id, calls, audio_only_calls)
  values (s.organisation_id, v_month, s.worker_id, p_delta, p_delta * coalesce(v_audio, 0))
  on conflict (organisation_id, month, worker_id) do update set calls = c.calls + excluded.calls, audio_only_calls = c.audio_only_calls + excluded.audio_only_calls;
  perform public.statistics_quality_of(s.organisation_id, v_month, p.rtt_ms_avg, p.packet_loss_pct_avg, p_delta)
  from public.call_participants p where p.session_id = s.id and p.quality_samples > 0;
end
$$;

create function public.statistics_quality_of(p_org uuid, p_month date, p_rtt double precision, p_loss double precision, p_delta integer) returns void
  language sql volatile
  set search_path = pg_catalog, pg_temp
  as $$
    insert into public.statistics_quality as q (organisation_id, month, metric, value, participants)
    select p_org, p_month, m.metric, m.value, p_delta
    from (values ('rtt', pg_catalog.round(p_rtt::numeric, 0)), ('loss', pg_catalog.round(p_loss::numeric, 2))) as m (metric, value)
    where m.value is not null
    on conflict (organisation_id, month, metric, value) do update set participants = q.participants + excluded.participants
  $$;

-- ---- Requests: one answered is a citizen-initiated contact; its outcome is its session's, else held ----
create function public.statistics_request(r public.contact_requests, p_outcome text, p_delta integer) returns void
  language plpgsql volatile
  set search_path = pg_catalog, pg_temp
as $$
begin
  if r.claimed_at is null or r.claimed_by is null then return; end if;
  perform public.statistics_add_contact(r.organisation_id, public.statistics_month(r.organisation_id, r.created_at), r.claimed_by,
    r.way, 'citizen_initiated', coalesce(p_outcome, 'held'), p_delta);
end
$$;

-- ---- The triggers: take back the old row's part, add the new row's ----
create function public.statistics_appointments_changed() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then perform public.statistics_appointment(old, -1); end if;
  if tg_op in ('UPDATE', 'INSERT') then perform public.statistics_appointment(new, 1); end if;
  return null;
end
$$;
create trigger statistics_appointments_written after insert or delete on public.appointments
  for each row execute function public.statistics_appointments_changed();
create trigger statistics_appointments_changed after update of starts_at, status, modality, worker_id, citizen_id on public.appointments
  for each row when ((old.starts_at, old.status, old.modality, old.worker_id, old.citizen_id) is distinct from (new.starts_at, new.status, new.modality, new.worker_id, new.citizen_id))
  execute function public.statistics_appointments_changed();

create function public.statistics_sessions_changed() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    perform public.statistics_session_contact(old, -1);
    perform public.statistics_session_call(old, -1);
  end if;
  if tg_op in ('UPDATE', 'INSERT') then
    perform public.statistics_session_contact(new, 1);
    perform public.statistics_session_call(new, 1);
  end if;
  -- A request answered by this session takes its outcome.
  if tg_op = 'UPDATE' and old.outcome is distinct from new.outcome then
    perform public.statistics_request(r, old.outcome, -1), public.statistics_request(r, new.outcome, 1)
    from public.contact_requests r where r.call_session_id = new.id;
  end if;
  return null;
end
$$;
-- Before a session goes (retention), its participants have gone: statistics_participants_changed took their part.
create trigger statistics_sessions_written after insert or delete on public.call_sessions
  for each row execute function public.statistics_sessions_changed();
create trigger statistics_sessions_changed after update of kind, appointment_id, created_at, started_at, worker_id, outcome on public.call_sessions
  for each row when ((old.kind, old.appointment_id, old.created_at, old.started_at, old.worker_id, old.outcome)
                     is distinct from (new.kind, new.appointment_id, new.created_at, new.started_at, new.worker_id, new.outcome))
  execute function public.statistics_sessions_changed();

create function public.statistics_participants_changed() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
as $$
declare
  s public.call_sessions;
  v_month date;
  v_others boolean;
  v_session uuid := coalesce(new.session_id, old.session_id);
begin
  select * into s from public.call_sessions where id = v_session;
  if s.id is null or s.started_at is null then return null; end if;
  v_month := public.statistics_month(s.organisation_id, s.started_at);
  if tg_op in ('UPDATE', 'DELETE') and old.quality_samples > 0 then
    perform public.statistics_quality_of(s.organisation_id, v_month, old.rtt_ms_avg, old.packet_loss_pct_avg, -1);
  end if;
  if tg_op in ('UPDATE', 'INSERT') and new.quality_samples > 0 then
    perform public.statistics_quality_of(s.organisation_id, v_month, new.rtt_ms_avg, new.packet_loss_pct_avg, 1);
  end if;
  -- The session counts as audio only once anyone in it was: this row decides it only when no one else was.
  if coalesce(old.audio_only_used, false) is distinct from coalesce(new.audio_only_used, false) then
    select coalesce(pg_catalog.bool_or(p.audio_only_used), false) into v_others
    from public.call_participants p where p.session_id = s.id and p.id <> coalesce(new.id, old.id);
    if not v_others then
      update public.statistics_calls c
        set audio_only_calls = c.audio_only_calls + case when coalesce(new.audio_only_used, false) then 1 else -1 end
        where c.organisation_id = s.organisation_id and c.month = v_month and c.worker_id = s.worker_id;
    end if;
  end if;
  return null;
end
$$;
create trigger statistics_participants_written after insert or delete on public.call_participants
  for each row execute function public.statistics_participants_changed();
create trigger statistics_participants_changed after update of audio_only_used, quality_samples, rtt_ms_avg, packet_loss_pct_avg, session_id on public.call_participants
  for each row when ((old.audio_only_used, old.quality_samples, old.rtt_ms_avg, old.packet_loss_pct_avg, old.session_id)
                     is distinct from (new.audio_only_used, new.quality_samples, new.rtt_ms_avg, new.packet_loss_pct_avg, new.session_id))
  execute function public.statistics_participants_changed();

create function public.statistics_requests_changed() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    perform public.statistics_request(old, (select outcome from public.call_sessions where id = old.call_session_id), -1);
  end if;
  if tg_op in ('UPDATE', 'INSERT') then
    perform public.statistics_request(new, (select outcome from public.call_sessions where id = new.call_session_id), 1);
  end if;
  return null;
end
$$;
create trigger statistics_requests_written after insert or delete on public.contact_requests
  for each row execute function public.statistics_requests_changed();
create trigger statistics_requests_changed after update of created_at, claimed_at, claimed_by, way, call_session_id on public.contact_requests
  for each row when ((old.created_at, old.claimed_at, old.claimed_by, old.way, old.call_session_id)
                     is distinct from (new.created_at, new.claimed_at, new.claimed_by, new.way, new.call_session_id))
  execute function public.statistics_requests_changed();

-- ---- Rebuilding an organisation's summaries from the raw rows: after a change of time zone, and once below ----
create function public.statistics_rebuild(p_org uuid) returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
declare
  v_zone text;
begin
  select time_zone into v_zone from public.organisations where id = p_org;
  delete from public.statistics_contacts where organisation_id = p_org;
  delete from public.statistics_travel where organisation_id = p_org;
  delete from public.statistics_calls where organisation_id = p_org;
  delete from public.statistics_quality where organisation_id = p_org;
  insert into public.statistics_contacts (organisation_id, month, worker_id, way, kind, outcome, contacts)
  select p_org, c.month, c.worker_id, c.way, c.kind, c.outcome, pg_catalog.count(*)::integer from (
    select pg_catalog.date_trunc('month', a.starts_at at time zone v_zone)::date as month, a.worker_id, a.modality as way, 'planned' as kind,
           case when a.status in ('held', 'no_show', 'technical_failure') then a.status else '' end as outcome
    from public.appointments a where a.organisation_id = p_org and a.status <> 'cancelled'
    union all
    select pg_catalog.date_trunc('month', s.created_at at time zone v_zone)::date, s.worker_id, 'video', 'ad_hoc', coalesce(s.outcome, '')
    from public.call_sessions s where s.organisation_id = p_org and s.kind = 'ad_hoc' and s.appointment_id is null
    union all
    select pg_catalog.date_trunc('month', r.created_at at time zone v_zone)::date, r.claimed_by, r.way, 'citizen_initiated', coalesce(s.outcome, 'held')
    from public.contact_requests r left join public.call_sessions s on s.id = r.call_session_id
    where r.organisation_id = p_org and r.claimed_at is not null and r.claimed_by is not null
  ) c group by 1, 2, 3, 4, 5, 6;
  insert into public.statistics_travel (organisation_id, month, worker_id, citizen_id, contacts)
  select p_org, pg_catalog.date_trunc('month', a.starts_at at time zone v_zone)::date, a.worker_id, a.citizen_id, pg_catalog.count(*)::integer
  from public.appointments a
  where a.organisation_id = p_org and a.status = 'held' and a.modality in ('video', 'phone')
  group by 1, 2, 3, 4;
  insert into public.statistics_calls (organisation_id, month, worker_id, calls, audio_only_calls)
  select p_org, m.month, m.worker_id, pg_catalog.count(*)::integer, pg_catalog.count(*) filter (where m.audio)::integer
  from (select pg_catalog.date_trunc('month', s.started_at at time zone v_zone)::date as month, s.worker_id,
               exists (select 1 from public.call_participants p where p.session_id = s.id and p.audio_only_used) as audio
        from public.call_sessions s where s.organisation_id = p_org and s.started_at is not null) m
  group by 1, 2, 3;
  insert into public.statistics_quality (organisation_id, month, metric, value, participants)
  select p_org, q.month, q.metric, q.value, pg_catalog.count(*)::integer from (
    select pg_catalog.date_trunc('month', s.started_at at time zone v_zone)::date as month, v.metric, v.value
    from public.call_sessions s join public.call_participants p on p.session_id = s.id,
         lateral (values ('rtt', pg_catalog.round(p.rtt_ms_avg::numeric, 0)), ('loss', pg_catalog.round(p.packet_loss_pct_avg::numeric, 2))) as v (metric, value)
    where s.organisation_id = p_org and s.started_at is not null and p.quality_samples > 0 and v.value is not null
  ) q group by 1, 2, 3, 4;
end
$$;
revoke all on function public.statistics_rebuild(uuid) from public;

create function public.statistics_time_zone_changed() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  perform public.statistics_rebuild(new.id);
  return null;
end
$$;
create trigger statistics_time_zone_changed after update of time_zone on public.organisations
  for each row when (old.time_zone is distinct from new.time_zone)
  execute function public.statistics_time_zone_changed();

select public.statistics_rebuild(id) from public.organisations;

-- Requests' time to answer is counted from the raw rows: one organisation's requests of a period by their time.
create index contact_requests_org_created on public.contact_requests (organisation_id, created_at)
  include (citizen_id, own_worker_id, claimed_by, claimed_at, way);
-- A team's or a worker's call quality is counted from the raw rows: sessions by the time they started.
create index call_sessions_org_started_stats on public.call_sessions (organisation_id, started_at)
  include (worker_id) where started_at is not null;
