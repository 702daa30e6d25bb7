-- Per-account sign-in lockout. The per-address rate limit lives in each app process; guessing one account's password
-- from many addresses (or through several app instances) is stopped here, in the database all instances share:
-- after 10 wrong passwords in a row the account is locked for 15 minutes, then 30, 60, … up to 24 hours. A correct
-- password (while not locked) or a coordinator's unlock starts the count again.

create table sign_in_failures (
  user_id uuid primary key,
  organisation_id uuid not null references organisations (id),
  -- wrong passwords since the last lock, success or unlock
  failures integer not null default 0 check (failures >= 0),
  -- locks in a row, so that each lock lasts twice as long as the one before
  lockouts integer not null default 0 check (lockouts >= 0),
  locked_until timestamptz,
  last_failure_at timestamptz not null default now(),
  foreign key (organisation_id, user_id) references users (organisation_id, id) on delete cascade
);

select enable_tenant_isolation('sign_in_failures');
alter table sign_in_failures force row level security;
-- The application reads the lock state of its own organisation (the people list) and lifts it (unlock).
grant select, delete on sign_in_failures to naervaer_app;

-- Sign-in happens before the organisation is known, so these two cross organisations, by user id only, and return
-- nothing but the lock state. They run as the schema owner; every name is schema-qualified and the search path holds
-- only pg_catalog, so no object planted in another schema can take part.

-- When the account is locked, until when; null when it is not.
create function public.sign_in_locked_until(p_user_id uuid)
  returns timestamptz
  language sql stable security definer
  set search_path = pg_catalog, pg_temp
  as $$
    select f.locked_until from public.sign_in_failures f
    where f.user_id = p_user_id and f.locked_until > pg_catalog.now()
  $$;

-- Records one wrong password; returns the end of the lock when this attempt locked the account, else null.
create function public.record_sign_in_failure(p_user_id uuid)
  returns timestamptz
  language plpgsql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$
  declare
    v_org uuid;
    v_row public.sign_in_failures%rowtype;
    v_minutes integer;
  begin
    select u.organisation_id into v_org from public.users u where u.id = p_user_id;
    if v_org is null then
      return null;
    end if;
    insert into public.sign_in_failures as f (user_id, organisation_id, failures, last_failure_at)
    values (p_user_id, v_org, 1, pg_catalog.now())
    on conflict (user_id) do update set
      -- a day without a wrong password forgets the earlier ones
      failures = case when f.last_failure_at < pg_catalog.now() - interval '1 day' then 1 else f.failures + 1 end,
      lockouts = case when f.last_failure_at < pg_catalog.now() - interval '1 day' then 0 else f.lockouts end,
      last_failure_at = pg_catalog.now()
    returning * into v_row;
    if v_row.failures < 10 then
      return null;
    end if;
    v_minutes := least(15 * power(2, least(v_row.lockouts, 10))::integer, 24 * 60);
    update public.sign_in_failures f
      set failures = 0, lockouts = f.lockouts + 1, locked_until = pg_catalog.now() + pg_catalog.make_interval(mins => v_minutes)
      where f.user_id = p_user_id
      returning * into v_row;
    insert into public.audit_events (organisation_id, actor_id, actor_role, action, subject_id, detail)
    values (v_org, null, null, 'staff.sign_in_locked', p_user_id, pg_catalog.jsonb_build_object('minutes', v_minutes));
    return v_row.locked_until;
  end
  $$;

-- A correct password on an unlocked account: the count starts again.
create function public.record_sign_in_success(p_user_id uuid)
  returns void
  language sql volatile security definer
  set search_path = pg_catalog, pg_temp
  as $$ delete from public.sign_in_failures f where f.user_id = p_user_id and (f.locked_until is null or f.locked_until <= pg_catalog.now()) $$;

revoke all on function public.sign_in_locked_until(uuid) from public;
revoke all on function public.record_sign_in_failure(uuid) from public;
revoke all on function public.record_sign_in_success(uuid) from public;
grant execute on function public.sign_in_locked_until(uuid) to naervaer_app;
grant execute on function public.record_sign_in_failure(uuid) to naervaer_app;
grant execute on function public.record_sign_in_success(uuid) to naervaer_app;
