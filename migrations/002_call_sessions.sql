-- Video sessions: who met whom, when, how it ended, and a connection-quality summary. Nothing about content:
-- no media, no chat, no recording.

create table call_sessions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  worker_id uuid not null,
  citizen_id uuid not null,
  citizen_role text not null default 'citizen' check (citizen_role = 'citizen'),
  kind text not null check (kind in ('planned', 'ad_hoc')),
  status text not null default 'open' check (status in ('open', 'ended')),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  ended_at timestamptz,
  ended_by uuid,
  end_reason text check (end_reason in ('ended_by_staff', 'staff_left', 'server_shutdown')),
  unique (organisation_id, id),
  foreign key (organisation_id, worker_id) references users (organisation_id, id),
  foreign key (organisation_id, citizen_id, citizen_role) references users (organisation_id, id, role),
  foreign key (organisation_id, ended_by) references users (organisation_id, id),
  check ((status = 'ended') = (ended_at is not null)),
  check (ended_at is null or end_reason is not null)
);
-- A citizen has at most one open session at a time: "Deltag" is never ambiguous.
create unique index call_sessions_one_open_per_citizen on call_sessions (citizen_id) where status = 'open';
create index call_sessions_worker on call_sessions (organisation_id, worker_id, created_at desc);

create table call_participants (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  session_id uuid not null,
  user_id uuid not null,
  role text not null check (role in ('citizen', 'worker', 'volunteer', 'coordinator')),
  invited_by uuid,
  admitted_at timestamptz,
  audio_only_used boolean not null default false,
  -- quality summary from the participant's own WebRTC statistics (averages over the samples)
  quality_samples integer not null default 0,
  rtt_ms_avg double precision,
  packet_loss_pct_avg double precision,
  bitrate_kbps_avg double precision,
  unique (session_id, user_id),
  foreign key (organisation_id, session_id) references call_sessions (organisation_id, id),
  foreign key (organisation_id, user_id, role) references users (organisation_id, id, role)
);

-- One row per connection: a reconnect is a new segment of the same participant.
create table call_segments (
  id bigint generated always as identity primary key,
  organisation_id uuid not null references organisations (id),
  participant_id uuid not null references call_participants (id),
  joined_at timestamptz not null default now(),
  left_at timestamptz,
  leave_reason text check (leave_reason in ('left', 'disconnected', 'session_ended', 'server_shutdown')),
  check (left_at is null or left_at >= joined_at)
);
create index call_segments_participant on call_segments (participant_id, joined_at);

select enable_tenant_isolation(t)
from unnest(array['call_sessions', 'call_participants', 'call_segments']::regclass[]) as t;

grant select, insert, update on call_sessions, call_participants, call_segments to naervaer_app;
