-- Google: each person's connected Google account (the owner's for the business's contacts and mail, and each person's
-- for their own calendar). Tokens are sealed by the application with CRM_ENCRYPTION_KEY before they reach a row.

create table google_connections (
  tenant_id uuid not null references tenants (id),
  user_id uuid not null,
  google_email text not null check (google_email like '%_@_%'),
  -- Sealed (v1.iv.tag.ciphertext); null once disconnected or refused.
  access_token text,
  refresh_token text,
  access_expires_at timestamptz,
  -- Every scope Google granted so far (incremental: each feature adds its own when turned on).
  scopes text[] not null default '{}',
  -- The features the person turned on; each runs only while its scope is granted.
  calendar_on boolean not null default false,
  contacts_on boolean not null default false,
  gmail_on boolean not null default false,
  -- connected: syncing; needs_reconnect: Google refused the refresh token (revoked in the account, or lapsed), nothing
  -- syncs until the person connects again; disconnected: they disconnected (the grant revoked at Google).
  status text not null default 'connected' check (status in ('connected', 'needs_reconnect', 'disconnected')),
  status_reason text,
  connected_at timestamptz not null default now(),
  -- Someone asked for a sync (a change here, a push from Google, the owner): the worker runs one at its next pass.
  sync_requested_at timestamptz,
  last_sync_at timestamptz,
  last_sync_error text,
  -- The next sync waits until then after Google failed as a whole (5xx, throttling past our retries).
  backoff_until timestamptz,
  -- One sync per account at a time, across every worker process.
  lease_until timestamptz,
  lease_holder text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id),
  check (status <> 'connected' or (access_token is not null and refresh_token is not null))
);
create trigger google_connections_updated_at before update on google_connections for each row execute function set_updated_at();
alter table google_connections enable row level security;
alter table google_connections force row level security;
create policy tenant_rows on google_connections using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_connections to crm_app;

-- A connect in flight: the state sent to Google (kept as a hash), who began it and for which features.
create table google_connect_states (
  tenant_id uuid not null references tenants (id),
  state_hash text not null,
  user_id uuid not null,
  features text[] not null,
  expires_at timestamptz not null,
  primary key (tenant_id, state_hash)
);
alter table google_connect_states enable row level security;
alter table google_connect_states force row level security;
create policy tenant_rows on google_connect_states using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_connect_states to crm_app;

-- The accounts due a sync: asked for since the last one, or the last sync older than p_every_seconds; not leased by
-- another worker, and not waiting after a failure unless someone asked since.
create function google_connections_due(p_now timestamptz, p_every_seconds int) returns table (tenant_id uuid, user_id uuid)
language sql stable security definer set search_path = public, pg_temp as $$
  select c.tenant_id, c.user_id from google_connections c
  where c.status = 'connected'
    and (c.calendar_on or c.contacts_on or c.gmail_on)
    and (c.lease_until is null or c.lease_until < p_now)
    and (c.backoff_until is null or c.backoff_until <= p_now or c.sync_requested_at > c.last_sync_at)
    and (c.last_sync_at is null or c.sync_requested_at > c.last_sync_at or c.last_sync_at < p_now - make_interval(secs => p_every_seconds))
  order by c.last_sync_at nulls first
$$;
revoke all on function google_connections_due(timestamptz, int) from public;
grant execute on function google_connections_due(timestamptz, int) to crm_worker;
