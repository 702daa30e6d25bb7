-- How a session went, recorded by its worker right after it (issue 9): held, no-show or a technical failure, with an
-- optional short note. Ad hoc sessions have no appointment to carry it; for a booked one the appointment's status is
-- set by the same request (server/calls/routes.ts), and the session keeps it too, so the call log is complete.
alter table call_sessions
  add column outcome text check (outcome in ('held', 'no_show', 'technical_failure')),
  add column outcome_note text check (char_length(outcome_note) between 1 and 500),
  add column outcome_by uuid,
  add column outcome_at timestamptz,
  add foreign key (organisation_id, outcome_by) references users (organisation_id, id),
  add constraint call_sessions_outcome_complete check ((outcome is null) = (outcome_at is null) and (outcome is null) = (outcome_by is null)),
  add constraint call_sessions_outcome_note_needs_outcome check (outcome_note is null or outcome is not null);

-- The note is about the citizen: it goes when retention anonymises them, as the appointments' notes do (008). The call
-- log itself (with the outcome) stays until retention_call_log_days, as before.
create function public.clear_call_outcome_notes() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
as $$
begin
  update public.call_sessions set outcome_note = null where citizen_id = new.id and outcome_note is not null;
  return null;
end
$$;
revoke all on function public.clear_call_outcome_notes() from public;

create trigger users_anonymised_clear_call_outcome_notes
  after update of anonymised_at on public.users
  for each row when (new.anonymised_at is not null and old.anonymised_at is null)
  execute function public.clear_call_outcome_notes();
