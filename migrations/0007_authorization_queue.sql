-- The Model Authorization Queue: agent calls that wait for the owner, and the owner's per-action overrides.

create table authorization_requests (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  agent_token_id uuid,
  action_key text not null,
  data jsonb not null,
  reasoning text,
  summary text not null,
  status text not null default 'pending' check (status in ('pending', 'executed', 'denied', 'failed', 'expired')),
  decision text check (decision in ('allow_once', 'allow_always', 'deny')),
  decided_by uuid,
  decided_at timestamptz,
  decision_note text,
  result jsonb,
  error jsonb,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  primary key (tenant_id, id),
  foreign key (tenant_id, decided_by) references users (tenant_id, id),
  check ((status = 'pending') = (decision is null) or status = 'expired')
);
create index authorization_requests_status on authorization_requests (tenant_id, status, created_at);

create table permission_overrides (
  tenant_id uuid not null references tenants (id),
  action_key text not null,
  permission text not null check (permission in ('unrestricted', 'soft_limit', 'requires_authorization')),
  set_by uuid,
  set_at timestamptz not null default now(),
  primary key (tenant_id, action_key),
  foreign key (tenant_id, set_by) references users (tenant_id, id)
);

do $$
declare t text;
begin
  foreach t in array array['authorization_requests', 'permission_overrides'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_rows on %I using (tenant_id = app_tenant()) with check (tenant_id = app_tenant())', t);
    execute format('grant select, insert, update, delete on %I to crm_app', t);
  end loop;
end $$;
