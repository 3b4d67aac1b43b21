-- Ready to shard by business: a secret (sign-in link, session, agent or OAuth token or code, calendar feed, pay,
-- response, offer or approval link) is presented before its business is known, so its hash was unique across every
-- business, which a table distributed by tenant_id cannot enforce. The hash now leads to its business through one small
-- global table (a reference table when sharded); the secret's own row is unique within its business and is read there.

create table secret_lookups (
  kind text not null check (kind in ('agent_token', 'agent_token_prefix', 'magic_link', 'session', 'oauth_code',
    'oauth_token', 'calendar_feed', 'pay_link', 'response_link', 'slot_offer', 'approval_link')),
  lookup_key text not null,
  tenant_id uuid not null references tenants (id),
  primary key (kind, lookup_key)
);
alter table secret_lookups enable row level security;
alter table secret_lookups force row level security;
-- Read by the sign-in role only, one secret at a time, exactly as the secret rows' own lookup policies admit them.
create policy secret_lookup on secret_lookups for select to crm_sign_in using (
  (kind = 'agent_token_prefix' and lookup_key = app_lookup('token_prefix'))
  or (kind <> 'agent_token_prefix' and lookup_key = app_lookup('token_hash')));
grant select on secret_lookups to crm_sign_in;
-- Written only by the trigger below, which runs as the owner of the tables.
do $$ begin
  execute format('create policy secret_kept on secret_lookups for all to %I using (true) with check (true)', current_user);
end $$;

-- Keeps the lookup row in the transaction that writes the secret row: inserted with it, moved with its key, removed with
-- it (a purge or an erasure too). Arguments: the kind, and the column holding the key.
create function keep_secret_lookup() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_old text;
  v_new text;
begin
  if tg_op in ('UPDATE', 'DELETE') then v_old := to_jsonb(old) ->> tg_argv[1]; end if;
  if tg_op in ('INSERT', 'UPDATE') then v_new := to_jsonb(new) ->> tg_argv[1]; end if;
  if tg_op = 'UPDATE' and v_old is not distinct from v_new and old.tenant_id = new.tenant_id then return null; end if;
  if v_old is not null then delete from secret_lookups where kind = tg_argv[0] and lookup_key = v_old; end if;
  if v_new is not null then insert into secret_lookups (kind, lookup_key, tenant_id) values (tg_argv[0], v_new, new.tenant_id); end if;
  return null;
end $$;
revoke all on function keep_secret_lookup() from public;

do $$
declare
  s record;
begin
  for s in select * from (values
    ('agent_tokens', 'agent_token', 'token_hash'), ('agent_tokens', 'agent_token_prefix', 'prefix'),
    ('magic_links', 'magic_link', 'token_hash'), ('sessions', 'session', 'token_hash'),
    ('oauth_codes', 'oauth_code', 'token_hash'), ('oauth_tokens', 'oauth_token', 'token_hash'),
    ('calendar_feeds', 'calendar_feed', 'token_hash'), ('pay_links', 'pay_link', 'token_hash'),
    ('response_links', 'response_link', 'token_hash'), ('slot_offers', 'slot_offer', 'token_hash'),
    ('approval_links', 'approval_link', 'token_hash')) v (tbl, kind, col)
  loop
    -- Existing secrets first, so every one stays usable.
    execute format('insert into secret_lookups (kind, lookup_key, tenant_id) select %L, %I, tenant_id from %I where %I is not null',
      s.kind, s.col, s.tbl, s.col);
    execute format('create trigger %I after insert or delete or update of %I, tenant_id on %I
      for each row execute function keep_secret_lookup(%L, %L)', s.tbl || '_' || s.kind || '_lookup', s.col, s.tbl, s.kind, s.col);
    -- Unique within the business; across businesses the lookup's primary key keeps it unique.
    execute format('alter table %I drop constraint %I', s.tbl, s.tbl || '_' || s.col || '_key');
    execute format('alter table %I add constraint %I unique (tenant_id, %I)', s.tbl, s.tbl || '_' || s.col || '_key', s.col);
  end loop;
end $$;

-- The two token checks of every agent request find the business first, then read the token within it.
create or replace function authenticate_agent_token(p_hash text) returns table (tenant_id uuid, id uuid, name text)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_tenant uuid;
begin
  perform set_config('app.lookup_token_hash', p_hash, true);
  select l.tenant_id into v_tenant from secret_lookups l where l.kind = 'agent_token' and l.lookup_key = p_hash;
  if v_tenant is null then return; end if;
  -- Stamped at most once a minute; concurrent requests skip a row another one is stamping instead of queueing on it.
  update agent_tokens t set last_used_at = now() from (
    select a.tenant_id, a.id from agent_tokens a
    where a.tenant_id = v_tenant and a.token_hash = p_hash and a.revoked_at is null
      and (a.last_used_at is null or a.last_used_at < now() - interval '1 minute')
    for update skip locked) stale
  where t.tenant_id = stale.tenant_id and t.id = stale.id;
  return query select a.tenant_id, a.id, a.name from agent_tokens a
    where a.tenant_id = v_tenant and a.token_hash = p_hash and a.revoked_at is null;
end $$;

create or replace function authenticate_oauth_access_token(p_hash text) returns table (tenant_id uuid, id uuid, name text)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_tenant uuid;
begin
  perform set_config('app.lookup_token_hash', p_hash, true);
  select l.tenant_id into v_tenant from secret_lookups l where l.kind = 'oauth_token' and l.lookup_key = p_hash;
  if v_tenant is null then return; end if;
  select o.tenant_id into v_tenant from oauth_tokens o
  where o.tenant_id = v_tenant and o.token_hash = p_hash and o.kind = 'access' and o.revoked_at is null and o.expires_at > now();
  if v_tenant is null then return; end if;
  perform set_config('app.tenant_id', v_tenant::text, true);
  update agent_tokens t set last_used_at = now() from (
    select a.tenant_id, a.id from agent_tokens a join oauth_tokens o on o.tenant_id = a.tenant_id and o.agent_token_id = a.id
    where o.tenant_id = v_tenant and o.token_hash = p_hash and a.revoked_at is null
      and (a.last_used_at is null or a.last_used_at < now() - interval '1 minute')
    for update of a skip locked) stale
  where t.tenant_id = stale.tenant_id and t.id = stale.id;
  return query select a.tenant_id, a.id, a.name from oauth_tokens o
    join agent_tokens a on a.tenant_id = o.tenant_id and a.id = o.agent_token_id
    where o.tenant_id = v_tenant and o.token_hash = p_hash and a.revoked_at is null;
end $$;
