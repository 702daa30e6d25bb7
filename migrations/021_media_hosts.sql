-- Several app and media hosts sharing this database (issue 14). One instance alone (no HOST_ID) uses none of this:
-- its sessions keep media_host null and it answers every call itself.
--
-- Each host holds a lease on its row and renews it with its load; a call is pinned to one host (call_sessions.
-- media_host) when its first room token is asked for, to the least-loaded live host; when that host's lease runs
-- out, the next room token asked for the call places it on another live host and the old host's open segments end
-- 'host_lost' (the session log shows the move: the new segments name the new host).

create table media_hosts (
  host_id text primary key check (host_id ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
  lease_until timestamptz not null,
  media_workers integer not null check (media_workers > 0),
  -- what the host last reported: consumers on its media workers, and their CPU as a share of its cores (0..1)
  consumers integer not null default 0 check (consumers >= 0),
  worker_cpu real not null default 0 check (worker_cpu >= 0),
  -- set by `npm run drain`: no new calls from now; the calls still on it are moved after this time
  drain_deadline timestamptz,
  started_at timestamptz not null default now(),
  renewed_at timestamptz not null default now()
);

alter table call_sessions add column media_host text;
alter table call_segments add column media_host text;
create index call_sessions_open_by_host on call_sessions (media_host) where status = 'open' and media_host is not null;

alter table call_sessions drop constraint call_sessions_end_reason_check;
alter table call_sessions add constraint call_sessions_end_reason_check
  check (end_reason in ('ended_by_staff', 'staff_left', 'server_shutdown', 'server_restart', 'host_lost'));
alter table call_segments drop constraint call_segments_leave_reason_check;
alter table call_segments add constraint call_segments_leave_reason_check
  check (leave_reason in ('left', 'disconnected', 'session_ended', 'server_shutdown', 'server_restart', 'removed',
    'signed_out', 'replaced', 'host_lost', 'moved'));

-- socket.io's PostgreSQL adapter (cross-host events) keeps messages too large for NOTIFY here for 30 s.
create table socket_io_attachments (
  id bigserial primary key,
  created_at timestamptz not null default now(),
  payload bytea
);
grant select, insert, delete on socket_io_attachments to naervaer_app;
grant usage on sequence socket_io_attachments_id_seq to naervaer_app;

-- A host's heartbeat: its lease and its load. Returns its drain deadline, if an operator set one.
create function media_host_renew(p_host text, p_lease_seconds integer, p_workers integer, p_consumers integer, p_cpu real)
  returns timestamptz
  language sql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
    insert into public.media_hosts (host_id, lease_until, media_workers, consumers, worker_cpu)
    values (p_host, now() + make_interval(secs => p_lease_seconds), p_workers, p_consumers, p_cpu)
    on conflict (host_id) do update set lease_until = excluded.lease_until, media_workers = excluded.media_workers,
      consumers = excluded.consumers, worker_cpu = excluded.worker_cpu, renewed_at = now()
    returning drain_deadline
  $$;
revoke all on function media_host_renew(text, integer, integer, integer, real) from public;
grant execute on function media_host_renew(text, integer, integer, integer, real) to naervaer_app;

-- A host that stops cleanly gives up its lease at once: its calls are placed elsewhere without waiting for it.
create function media_host_leave(p_host text) returns void
  language sql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$ update public.media_hosts set lease_until = now(), drain_deadline = null where host_id = p_host $$;
revoke all on function media_host_leave(text) from public;
grant execute on function media_host_leave(text) to naervaer_app;

-- Where an open session's media runs: its host while that host's lease holds (a draining host keeps its calls until
-- its deadline), else the least-loaded live host that is not draining — open sessions placed on it per media
-- worker, counted here so that a burst of new calls spreads at once, then the worker CPU it last reported (in steps
-- of 10 %: less is noise), then the name, so that equal hosts fill in a fixed order. Null when
-- the session is not open or no host is live. Placements run one at a time (an advisory lock), so two never count
-- the same free room.
create function place_call(p_session uuid) returns text
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
  declare
    current_host text;
    current_alive boolean;
    current_usable boolean;
    chosen text;
  begin
    -- The usual case without waiting for anyone: the call is placed, and its host is live and not drained.
    select s.media_host into current_host from public.call_sessions s where s.id = p_session and s.status = 'open';
    if current_host is not null and exists (
      select 1 from public.media_hosts h where h.host_id = current_host and h.lease_until > now()
        and (h.drain_deadline is null or h.drain_deadline > now())
    ) then
      return current_host;
    end if;
    -- Placing or moving: one at a time, and on the row as it is now.
    perform pg_advisory_xact_lock(hashtext('naervaer.place_call'));
    select s.media_host into current_host from public.call_sessions s where s.id = p_session and s.status = 'open' for update;
    if not found then
      return null;
    end if;
    select h.lease_until > now(), h.lease_until > now() and (h.drain_deadline is null or h.drain_deadline > now())
      into current_alive, current_usable
    from public.media_hosts h where h.host_id = current_host;
    if coalesce(current_usable, false) then
      return current_host;
    end if;
    select h.host_id into chosen
    from public.media_hosts h
    left join lateral (
      select count(*) as calls from public.call_sessions s where s.media_host = h.host_id and s.status = 'open'
    ) placed on true
    where h.lease_until > now() and h.drain_deadline is null
    order by placed.calls::real / h.media_workers, round(h.worker_cpu * 10), h.host_id
    limit 1;
    if chosen is null then
      return null;
    end if;
    update public.call_sessions set media_host = chosen where id = p_session;
    if current_host is not null and current_host <> chosen then
      -- The old host is gone, or drained past its deadline: its connections to this session end here.
      update public.call_segments g set left_at = greatest(now(), g.joined_at),
        leave_reason = case when coalesce(current_alive, false) then 'moved' else 'host_lost' end
      from public.call_participants p
      where g.participant_id = p.id and p.session_id = p_session and g.left_at is null and g.media_host = current_host;
    end if;
    return chosen;
  end
  $$;
revoke all on function place_call(uuid) from public;
grant execute on function place_call(uuid) to naervaer_app;

-- `npm run drain`: the host gets no new calls from now, and moves the calls still on it after p_seconds. False when
-- no such host has ever run.
create function media_host_drain(p_host text, p_seconds integer) returns boolean
  language sql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
    update public.media_hosts set drain_deadline = now() + make_interval(secs => p_seconds) where host_id = p_host
    returning true
  $$;
revoke all on function media_host_drain(text, integer) from public;
grant execute on function media_host_drain(text, integer) to naervaer_app;

-- Of the calls a host runs live, those it must let go: ended, or placed on another host since (its lease lapsed for a
-- moment — a slow database, a stalled process — and a room token moved the call). The host moves their connections.
create function media_host_calls_elsewhere(p_host text, p_sessions uuid[]) returns setof uuid
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select id from unnest(p_sessions) as ids(id)
    where not exists (select 1 from public.call_sessions s where s.id = ids.id and s.status = 'open' and s.media_host = p_host)
  $$;
revoke all on function media_host_calls_elsewhere(text, uuid[]) from public;
grant execute on function media_host_calls_elsewhere(text, uuid[]) to naervaer_app;

-- Sessions whose host is gone and that nobody came back to end 'host_lost' after the grace period (a live host ends
-- its own abandoned sessions through the owner's grace period; this is that rule for calls no host runs): those placed
-- on a host whose lease ran out longer ago than the grace, and those a restarted host let go (media_host null again)
-- with nobody connected since longer than the grace.
create function end_sessions_of_lost_hosts(p_grace_seconds integer) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
  declare
    ended integer;
  begin
    with lost as (
      update public.call_sessions s set status = 'ended', ended_at = now(), end_reason = 'host_lost'
      where s.status = 'open' and (
        (s.media_host is not null and not exists (
          select 1 from public.media_hosts h
          where h.host_id = s.media_host and h.lease_until > now() - make_interval(secs => p_grace_seconds)
        ))
        or (s.media_host is null and exists (
          select 1 from public.call_participants p join public.call_segments g on g.participant_id = p.id
          where p.session_id = s.id and g.media_host is not null
        ) and not exists (
          select 1 from public.call_participants p join public.call_segments g on g.participant_id = p.id
          where p.session_id = s.id and (g.left_at is null or g.left_at > now() - make_interval(secs => p_grace_seconds))
        ))
      )
      returning s.id
    ), closed as (
      update public.call_segments g set left_at = greatest(now(), g.joined_at), leave_reason = 'host_lost'
      from public.call_participants p
      where g.participant_id = p.id and p.session_id in (select id from lost) and g.left_at is null
    )
    select count(*) into ended from lost;
    return ended;
  end
  $$;
revoke all on function end_sessions_of_lost_hosts(integer) from public;
grant execute on function end_sessions_of_lost_hosts(integer) to naervaer_app;
