-- Who asks, in every request's transaction: inOrganisation (server/db/database.ts) now sets app.user_id and
-- app.user_role for the signed-in caller of an HTTP route (server/db/actor.ts), not only the duty store. Row policies
-- per person (migration 013) and per role (from here on) read these two; work for no person leaves both empty.
create function public.app_current_role() returns text
  language sql stable
  as $$ select nullif(pg_catalog.current_setting('app.user_role', true), '') $$;
