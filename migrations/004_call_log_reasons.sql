-- Call log: more ways a session or a connection can end, and a record of calls where no media arrived.
--   server_restart   a session whose live state died with the previous server process (ended at start-up)
--   removed          a staff member took the participant out of the call
--   signed_out       the participant's sign-in was revoked or the person deactivated while in the call
--   replaced         the same person connected again (newest connection wins)

alter table call_sessions drop constraint call_sessions_end_reason_check;
alter table call_sessions add constraint call_sessions_end_reason_check
  check (end_reason in ('ended_by_staff', 'staff_left', 'server_shutdown', 'server_restart'));

alter table call_segments drop constraint call_segments_leave_reason_check;
alter table call_segments add constraint call_segments_leave_reason_check
  check (leave_reason in ('left', 'disconnected', 'session_ended', 'server_shutdown', 'server_restart', 'removed', 'signed_out', 'replaced'));

-- The participant's browser reported that no media arrived within its wait (≈10 s): an ICE/firewall problem.
alter table call_participants add column no_media_reported_at timestamptz;
