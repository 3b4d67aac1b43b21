-- OAuth 2.1 for the MCP endpoint: remote MCP clients register (or name a client metadata document), the owner approves
-- them on a consent page, and they get short-lived access tokens and rotating refresh tokens.
--
-- A grant IS an agent token: approving a client creates an agent_tokens row (named after the client) whose own secret
-- is never shown; the codes and OAuth tokens point at it. Revoking that agent token (crm token revoke) ends the grant,
-- and everything an OAuth client does is done, queued and audited as that agent.

-- Clients are global, not a business's: a client registers (RFC 7591) before anyone signs in, and the same client
-- (Claude, VS Code, ...) may be approved by many businesses. A registration holds no secret (public clients, PKCE) and
-- grants nothing by itself; only the sign-in role reads and writes it, so a business's request never sees them.
create table oauth_clients (
  client_id text primary key check (length(client_id) between 1 and 2000),
  -- 'registered': dynamic client registration; 'metadata_document': the client_id is an https URL of its document.
  source text not null check (source in ('registered', 'metadata_document')),
  client_name text not null check (length(client_name) between 1 and 200),
  redirect_uris text[] not null check (cardinality(redirect_uris) between 1 and 10),
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  -- When a metadata document was last fetched; it is fetched again once older than a day.
  fetched_at timestamptz
);
alter table oauth_clients enable row level security;
alter table oauth_clients force row level security;
create policy client_rows on oauth_clients to crm_sign_in using (true) with check (true);
grant select, insert, update on oauth_clients to crm_sign_in;

-- A code is made when the owner approves, used once within minutes; only its hash is stored.
create table oauth_codes (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  token_hash text not null unique,
  client_id text not null references oauth_clients (client_id),
  -- The grant: the agent token the tokens act as.
  agent_token_id uuid not null,
  -- The owner who approved.
  user_id uuid not null,
  redirect_uri text not null,
  code_challenge text not null,
  resource text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, agent_token_id) references agent_tokens (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
alter table oauth_codes enable row level security;
alter table oauth_codes force row level security;
create policy tenant_rows on oauth_codes using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
-- The token endpoint carries only the code: the sign-in role may find and use the row matching its hash.
create policy code_lookup on oauth_codes for select to crm_sign_in using (token_hash = app_lookup('token_hash'));
create policy code_use on oauth_codes for update to crm_sign_in using (token_hash = app_lookup('token_hash'));
grant select, insert, update on oauth_codes to crm_app;

-- Access and refresh tokens, hashed. A refresh token is used once: using it marks it and issues a new pair.
create table oauth_tokens (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  agent_token_id uuid not null,
  client_id text not null references oauth_clients (client_id),
  kind text not null check (kind in ('access', 'refresh')),
  token_hash text not null unique,
  resource text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, agent_token_id) references agent_tokens (tenant_id, id)
);
create index oauth_tokens_grant on oauth_tokens (tenant_id, agent_token_id);
alter table oauth_tokens enable row level security;
alter table oauth_tokens force row level security;
create policy tenant_rows on oauth_tokens using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
create policy token_lookup on oauth_tokens for select to crm_sign_in using (token_hash = app_lookup('token_hash'));
create policy token_use on oauth_tokens for update to crm_sign_in using (token_hash = app_lookup('token_hash'));
grant select, insert, update on oauth_tokens to crm_app;

-- Checking an OAuth access token in one statement, like authenticate_agent_token: the agent it acts as, while the
-- token is unexpired and unrevoked and its grant (the agent token) is not revoked.
create function authenticate_oauth_access_token(p_hash text) returns table (tenant_id uuid, id uuid, name text)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_tenant uuid;
begin
  perform set_config('app.lookup_token_hash', p_hash, true);
  select o.tenant_id into v_tenant from oauth_tokens o
  where o.token_hash = p_hash and o.kind = 'access' and o.revoked_at is null and o.expires_at > now();
  if v_tenant is null then return; end if;
  perform set_config('app.tenant_id', v_tenant::text, true);
  update agent_tokens t set last_used_at = now() from (
    select a.tenant_id, a.id from agent_tokens a join oauth_tokens o on o.tenant_id = a.tenant_id and o.agent_token_id = a.id
    where o.token_hash = p_hash and a.revoked_at is null and (a.last_used_at is null or a.last_used_at < now() - interval '1 minute')
    for update of a skip locked) stale
  where t.tenant_id = stale.tenant_id and t.id = stale.id;
  return query select a.tenant_id, a.id, a.name from oauth_tokens o
    join agent_tokens a on a.tenant_id = o.tenant_id and a.id = o.agent_token_id
    where o.token_hash = p_hash and a.revoked_at is null;
end $$;
-- Like authenticate_agent_token since 0016: run as the connection's own role, never by a request's crm_app.
revoke all on function authenticate_oauth_access_token(text) from public;
