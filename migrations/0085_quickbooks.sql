-- QuickBooks Online: one connected company per business, and the sync state of each record pushed there or read from
-- there. Tokens are sealed by the application with CRM_ENCRYPTION_KEY before they reach a row; the database never holds
-- them in the clear.

create table quickbooks_connections (
  tenant_id uuid primary key references tenants (id),
  realm_id text not null check (length(realm_id) between 1 and 64),
  company_name text,
  -- Sealed (v1.iv.tag.ciphertext); null once disconnected.
  access_token text,
  refresh_token text,
  access_expires_at timestamptz,
  refresh_expires_at timestamptz,
  -- connected: syncing; needs_reconnect: Intuit refused the refresh token, nothing syncs until the owner connects
  -- again; disconnected: the owner disconnected (tokens revoked at Intuit).
  status text not null default 'connected' check (status in ('connected', 'needs_reconnect', 'disconnected')),
  status_reason text,
  -- Whether the company keeps our invoice numbers as DocNumber (its "custom transaction numbers" preference).
  doc_numbers_kept boolean,
  income_account_id text,
  -- The item of lines that name no catalog service.
  general_item_id text,
  connected_by uuid,
  connected_at timestamptz not null default now(),
  -- Someone asked for a sync (the owner, the agent, a webhook): the worker runs one at its next pass.
  sync_requested_at timestamptz,
  last_sync_at timestamptz,
  last_sync_error text,
  -- The next sync waits until then after QuickBooks failed as a whole (5xx, throttling past our retries).
  backoff_until timestamptz,
  -- Where the next read of QuickBooks' changes starts (change data capture).
  changes_since timestamptz,
  -- One sync per company at a time, across every worker process.
  lease_until timestamptz,
  lease_holder text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (status <> 'connected' or (access_token is not null and refresh_token is not null))
);
create trigger quickbooks_connections_updated_at before update on quickbooks_connections for each row execute function set_updated_at();
alter table quickbooks_connections enable row level security;
alter table quickbooks_connections force row level security;
create policy tenant_rows on quickbooks_connections using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on quickbooks_connections to crm_app;

-- The owner's connect in flight: the state sent to Intuit, checked when Intuit sends the owner back.
create table quickbooks_connect_states (
  tenant_id uuid not null references tenants (id),
  state_hash text not null,
  user_id uuid not null,
  expires_at timestamptz not null,
  primary key (tenant_id, state_hash)
);
alter table quickbooks_connect_states enable row level security;
alter table quickbooks_connect_states force row level security;
create policy tenant_rows on quickbooks_connect_states using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on quickbooks_connect_states to crm_app;

-- One row per record that goes to QuickBooks (a customer, a catalog service as an item, an invoice, a payment) or came
-- from there (a payment the bookkeeper recorded). request_id is chosen and committed before a write is sent, and sent
-- as QuickBooks' requestid, so a write retried after a crash is answered with the first write's result, not made twice.
create table quickbooks_records (
  tenant_id uuid not null references tenants (id),
  kind text not null check (kind in ('customer', 'item', 'invoice', 'payment')),
  record_id uuid not null,
  realm_id text not null,
  remote_id text,
  sync_token text,
  request_id uuid not null default gen_random_uuid(),
  state text not null default 'pending' check (state in ('pending', 'synced', 'failed')),
  -- QuickBooks' own words when it refused the record, or ours when the totals disagree.
  error text,
  -- What the sync changed to make the record fit (a DisplayName made unique), said to the owner.
  note text,
  -- Whether the record came from QuickBooks (a bookkeeper's payment) rather than going there.
  from_quickbooks boolean not null default false,
  -- A digest of what was last sent (or refused), so a record is sent again when what QuickBooks holds of it changes.
  fingerprint text,
  voided boolean not null default false,
  attempts int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, kind, record_id)
);
create unique index quickbooks_records_remote on quickbooks_records (tenant_id, realm_id, kind, remote_id) where remote_id is not null;
create index quickbooks_records_state on quickbooks_records (tenant_id, state, kind);
create trigger quickbooks_records_updated_at before update on quickbooks_records for each row execute function set_updated_at();
alter table quickbooks_records enable row level security;
alter table quickbooks_records force row level security;
create policy tenant_rows on quickbooks_records using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on quickbooks_records to crm_app;

-- A payment read from QuickBooks is recorded with the method quickbooks.
alter table payments drop constraint payments_method_check;
alter table payments add constraint payments_method_check check (method in ('cash', 'check', 'card', 'stripe', 'quickbooks', 'other'));

-- The businesses whose company is due a sync: asked for since the last one, or the last sync older than p_every_seconds;
-- not leased by another worker, and not waiting after a failure unless someone asked since.
create function quickbooks_companies_due(p_now timestamptz, p_every_seconds int) returns table (tenant_id uuid)
language sql stable security definer set search_path = public, pg_temp as $$
  select c.tenant_id from quickbooks_connections c
  where c.status = 'connected'
    and (c.lease_until is null or c.lease_until < p_now)
    and (c.backoff_until is null or c.backoff_until <= p_now or c.sync_requested_at > c.last_sync_at)
    and (c.last_sync_at is null or c.sync_requested_at > c.last_sync_at or c.last_sync_at < p_now - make_interval(secs => p_every_seconds))
  order by c.last_sync_at nulls first
$$;
revoke all on function quickbooks_companies_due(timestamptz, int) from public;
grant execute on function quickbooks_companies_due(timestamptz, int) to crm_worker;

-- A webhook names a company by its realm: the business connected to it syncs at the worker's next pass.
create function quickbooks_request_sync(p_realm_id text, p_now timestamptz) returns int
language plpgsql security definer set search_path = public, pg_temp as $$
declare n int;
begin
  update quickbooks_connections set sync_requested_at = p_now where realm_id = p_realm_id and status = 'connected';
  get diagnostics n = row_count;
  return n;
end $$;
revoke all on function quickbooks_request_sync(text, timestamptz) from public;
grant execute on function quickbooks_request_sync(text, timestamptz) to crm_worker;
