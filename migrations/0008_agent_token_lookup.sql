-- Checking an agent token in one statement: the lookup key is set inside the function, so the row policies that
-- admit a row by its token hash apply exactly as in a transaction of the app role, in one round trip instead of four.
create function authenticate_agent_token(p_hash text) returns table (tenant_id uuid, id uuid, name text)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_token_hash', p_hash, true);
  -- Stamped at most once a minute; concurrent requests skip a row another one is stamping instead of queueing on it.
  update agent_tokens t set last_used_at = now() from (
    select a.tenant_id, a.id from agent_tokens a
    where a.token_hash = p_hash and a.revoked_at is null and (a.last_used_at is null or a.last_used_at < now() - interval '1 minute')
    for update skip locked) stale
  where t.tenant_id = stale.tenant_id and t.id = stale.id;
  return query select a.tenant_id, a.id, a.name from agent_tokens a where a.token_hash = p_hash and a.revoked_at is null;
end $$;
revoke all on function authenticate_agent_token(text) from public;
grant execute on function authenticate_agent_token(text) to crm_app;
