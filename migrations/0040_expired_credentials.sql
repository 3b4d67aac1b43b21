-- Credentials and replay records that can no longer be used were kept forever: sign-in links, ended or expired sessions,
-- OAuth codes and tokens, and Idempotency-Key answers (honoured for 24 hours). The worker removes them through this
-- function, across businesses, a while after they stop working, so the tables stay the size of what is live. Nothing
-- here is history: who signed in and what an app did is in the audit trail, which is never touched.
create index idempotency_keys_created on idempotency_keys (created_at);
create index magic_links_expires on magic_links (expires_at);
create index sessions_expires on sessions (expires_at);
create index sessions_ended on sessions (ended_at) where ended_at is not null;
create index oauth_codes_expires on oauth_codes (expires_at);
create index oauth_tokens_expires on oauth_tokens (expires_at);

create function purge_expired_credentials(p_now timestamptz) returns table (what text, removed bigint)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  n bigint;
begin
  perform set_config('app.lookup_purge_expired', 'on', true);
  delete from magic_links where expires_at < p_now - interval '1 day';
  get diagnostics n = row_count; what := 'sign-in links'; removed := n; return next;
  delete from sessions where expires_at < p_now - interval '7 days' or ended_at < p_now - interval '7 days';
  get diagnostics n = row_count; what := 'sessions'; removed := n; return next;
  delete from oauth_codes where expires_at < p_now - interval '1 day';
  get diagnostics n = row_count; what := 'oauth codes'; removed := n; return next;
  delete from oauth_tokens where expires_at < p_now - interval '1 day';
  get diagnostics n = row_count; what := 'oauth tokens'; removed := n; return next;
  delete from idempotency_keys where created_at < p_now - interval '2 days';
  get diagnostics n = row_count; what := 'idempotency keys'; removed := n; return next;
  perform set_config('app.lookup_purge_expired', '', true);
end $$;
revoke all on function purge_expired_credentials(timestamptz) from public;
grant execute on function purge_expired_credentials(timestamptz) to crm_worker;

-- As for the worker's other scans (0022): the policies admit rows only to the function's owner while its lookup flag is
-- set, so the purge works whether or not that owner is a superuser.
do $$
declare
  t text;
begin
  foreach t in array array['magic_links', 'sessions', 'oauth_codes', 'oauth_tokens', 'idempotency_keys'] loop
    execute format('create policy purge_expired on %I for all to %I using (app_lookup(''purge_expired'') = ''on'')', t, current_user);
  end loop;
end $$;
