-- Retention of personal data (issue 7, item 18): per-organisation settings, in days, and one function that applies
-- them, run on a schedule by the reminder dispatcher (server/retention/) and once by `npm run retention`.
--
-- Defaults (README, "Retention"): deactivated citizens anonymised 90 days after deactivation; used, expired or
-- revoked sign-in links, reminder links, sign-ins and calendar feeds deleted 30 days after they ended; reminders
-- deleted 90 days after they were sent, failed or were cancelled; call logs deleted 2 years after the call ended;
-- audit events deleted after 5 years. The lower bounds stop a coordinator from wiping the trail of recent work.
alter table organisations
  add column retention_citizen_days integer not null default 90 check (retention_citizen_days between 30 and 3650),
  add column retention_link_days integer not null default 30 check (retention_link_days between 1 and 365),
  add column retention_reminder_days integer not null default 90 check (retention_reminder_days between 7 and 3650),
  add column retention_call_log_days integer not null default 730 check (retention_call_log_days between 90 and 3650),
  add column retention_audit_days integer not null default 1825 check (retention_audit_days between 365 and 3650);

-- Applies every organisation's retention settings once; returns what it did (organisation, category, rows).
--
-- It runs as the schema owner, called by the dispatcher over the application's own login. That keeps RLS
-- meaningful: the application role still may not delete audit events or rewrite other rows, and it cannot choose
-- what is deleted — only ask for the organisations' own rules to be applied now. Handing the dispatcher the owner's
-- connection instead would give a reminder sender the power to do anything to every organisation.
create function public.apply_retention()
  returns table (organisation_id uuid, category text, affected integer)
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
  #variable_conflict use_column
  declare
    o record;
    v_citizens uuid[];
    v_count integer;
    v_detail jsonb;
  begin
    -- Several dispatchers may run; one application at a time is enough, the others skip this round.
    if not pg_catalog.pg_try_advisory_xact_lock(1852142706, 1) then
      return;
    end if;
    for o in select * from public.organisations order by id loop
      v_detail := '{}'::jsonb;

      -- Citizens deactivated long enough ago: keep the row (statistics count sessions and appointments per citizen)
      -- but remove who they are and everything they or staff wrote about them.
      select coalesce(pg_catalog.array_agg(u.id), '{}') into v_citizens
      from public.users u
      where u.organisation_id = o.id and u.role = 'citizen' and not u.active and u.anonymised_at is null
        and u.deactivated_at < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_citizen_days);
      if pg_catalog.cardinality(v_citizens) > 0 then
        update public.users u
          set display_name = 'Anonymiseret borger', email = null, phone = null, password_hash = null,
              anonymised_at = pg_catalog.now(), updated_at = pg_catalog.now()
          where u.id = any (v_citizens);
        update public.citizen_settings s
          set sms_reminders = false, email_reminders = false, reminders_at_night = false,
              consent_recorded_at = null, consent_recorded_by = null, updated_at = pg_catalog.now()
          where s.citizen_id = any (v_citizens);
        update public.appointments a set staff_note = null, status_reason = null
          where a.citizen_id = any (v_citizens) and (a.staff_note is not null or a.status_reason is not null);
        update public.medication_schedules m set wording = '-', active = false
          where m.citizen_id = any (v_citizens);
        update public.reminders r set status = 'cancelled', leased_until = null
          where r.citizen_id = any (v_citizens) and r.status = 'pending';
        delete from public.citizen_links l where l.citizen_id = any (v_citizens);
        -- (their join sessions go with them: auth_sessions.reminder_link_id cascades)
        delete from public.reminder_links l where l.citizen_id = any (v_citizens);
        delete from public.caseloads c where c.citizen_id = any (v_citizens);
        v_count := pg_catalog.cardinality(v_citizens);
        organisation_id := o.id; category := 'citizens_anonymised'; affected := v_count; return next;
        v_detail := v_detail || pg_catalog.jsonb_build_object(category, v_count);
      end if;

      -- Sign-in links, sign-ins and calendar feeds that ended (used, revoked or expired) long enough ago.
      delete from public.citizen_links l
        where l.organisation_id = o.id
          and least(l.expires_at, coalesce(l.used_at, 'infinity'), coalesce(l.revoked_at, 'infinity'))
              < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_link_days);
      get diagnostics v_count = row_count;
      if v_count > 0 then
        organisation_id := o.id; category := 'links_deleted'; affected := v_count; return next;
        v_detail := v_detail || pg_catalog.jsonb_build_object(category, v_count);
      end if;
      delete from public.reminder_links l
        where l.organisation_id = o.id
          and least(l.expires_at, coalesce(l.revoked_at, 'infinity')) < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_link_days);
      get diagnostics v_count = row_count;
      if v_count > 0 then
        organisation_id := o.id; category := 'reminder_links_deleted'; affected := v_count; return next;
        v_detail := v_detail || pg_catalog.jsonb_build_object(category, v_count);
      end if;
      delete from public.auth_sessions s
        where s.organisation_id = o.id
          and least(s.expires_at, coalesce(s.revoked_at, 'infinity')) < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_link_days)
          and not exists (select 1 from public.citizen_links l where l.session_id = s.id);
      get diagnostics v_count = row_count;
      if v_count > 0 then
        organisation_id := o.id; category := 'sign_ins_deleted'; affected := v_count; return next;
        v_detail := v_detail || pg_catalog.jsonb_build_object(category, v_count);
      end if;
      delete from public.calendar_feeds f
        where f.organisation_id = o.id and f.revoked_at < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_link_days);
      get diagnostics v_count = row_count;
      if v_count > 0 then
        organisation_id := o.id; category := 'calendar_feeds_deleted'; affected := v_count; return next;
        v_detail := v_detail || pg_catalog.jsonb_build_object(category, v_count);
      end if;

      -- Reminders that are done with (sent, failed for good, cancelled).
      delete from public.reminders r
        where r.organisation_id = o.id and r.status in ('sent', 'failed', 'cancelled')
          and coalesce(r.sent_at, r.due_at) < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_reminder_days);
      get diagnostics v_count = row_count;
      if v_count > 0 then
        organisation_id := o.id; category := 'reminders_deleted'; affected := v_count; return next;
        v_detail := v_detail || pg_catalog.jsonb_build_object(category, v_count);
      end if;

      -- Call logs (session, participants and their connections) of calls that ended long enough ago.
      delete from public.call_segments g
        using public.call_participants p, public.call_sessions c
        where g.participant_id = p.id and p.session_id = c.id and c.organisation_id = o.id
          and c.ended_at < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_call_log_days);
      delete from public.call_participants p
        using public.call_sessions c
        where p.session_id = c.id and c.organisation_id = o.id
          and c.ended_at < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_call_log_days);
      delete from public.call_sessions c
        where c.organisation_id = o.id and c.ended_at < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_call_log_days);
      get diagnostics v_count = row_count;
      if v_count > 0 then
        organisation_id := o.id; category := 'call_logs_deleted'; affected := v_count; return next;
        v_detail := v_detail || pg_catalog.jsonb_build_object(category, v_count);
      end if;

      delete from public.audit_events e
        where e.organisation_id = o.id and e.at < pg_catalog.now() - pg_catalog.make_interval(days => o.retention_audit_days);
      get diagnostics v_count = row_count;
      if v_count > 0 then
        organisation_id := o.id; category := 'audit_events_deleted'; affected := v_count; return next;
        v_detail := v_detail || pg_catalog.jsonb_build_object(category, v_count);
      end if;

      -- What retention removed is itself on the record (counts only).
      if v_detail <> '{}'::jsonb then
        insert into public.audit_events (organisation_id, actor_id, actor_role, action, subject_id, detail)
        values (o.id, null, null, 'retention.apply', null, v_detail);
      end if;
    end loop;
  end
  $$;
revoke all on function public.apply_retention() from public;
grant execute on function public.apply_retention() to naervaer_app;
