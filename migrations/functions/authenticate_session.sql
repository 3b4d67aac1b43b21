-- The check of a signed-in person's session cookie, on every page and console call, in one statement like
-- authenticate_agent_token: the business from the secret's lookup row, the expiry slid forward, the person read.
create or replace function authenticate_session(p_hash text, p_ttl_secs double precision)
returns table (tenant_id uuid, user_id uuid, csrf_token text, role text, name text, email text)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_tenant uuid;
begin
  perform set_config('app.lookup_token_hash', p_hash, true);
  select l.tenant_id into v_tenant from secret_lookups l where l.kind = 'session' and l.lookup_key = p_hash;
  if v_tenant is null then return; end if;
  perform set_config('app.tenant_id', v_tenant::text, true);
  -- The expiry slides at most once a minute (a session lasts its time after its last use, give or take that minute), and
  -- concurrent requests skip a row another one is stamping instead of queueing on it.
  update sessions s set last_seen_at = now(), expires_at = now() + make_interval(secs => p_ttl_secs) from (
    select x.tenant_id, x.id from sessions x
    where x.tenant_id = v_tenant and x.token_hash = p_hash and x.ended_at is null and x.expires_at > now()
      and x.expires_at < now() + make_interval(secs => p_ttl_secs) - interval '1 minute'
    for update skip locked) stale
  where s.tenant_id = stale.tenant_id and s.id = stale.id;
  return query select s.tenant_id, s.user_id, s.csrf_token, u.role, u.name, u.email
    from sessions s join users u on u.tenant_id = s.tenant_id and u.id = s.user_id
    where s.tenant_id = v_tenant and s.token_hash = p_hash and s.ended_at is null and s.expires_at > now()
      and u.deactivated_at is null;
end $$;
-- Run as the connection's own role before any request transaction exists, never by a request's crm_app.
revoke all on function authenticate_session(text, double precision) from public;
