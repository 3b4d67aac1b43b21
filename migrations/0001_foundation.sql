-- Foundation: the application role, tenants and users, sign-in, the audit log, idempotency, contacts.
-- Every tenant table: tenant_id in the primary and foreign keys, row level security enabled and forced.

create extension if not exists pg_trgm;

-- The role every request runs as: neither superuser nor owner of any table, so RLS always applies.
do $$ begin
  create role crm_app nologin;
exception when duplicate_object or unique_violation then null;
end $$;
do $$ begin
  execute format('grant crm_app to %I', current_user);
exception when others then raise notice 'could not grant crm_app to %: %', current_user, sqlerrm;
end $$;
grant usage on schema public to crm_app;

-- The tenant of the current transaction, or null when none was set.
create function app_tenant() returns uuid language sql stable as
$$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- A lookup key set for one sign-in check (a token hash or an email); null when unset.
create function app_lookup(name text) returns text language sql stable as
$$ select nullif(current_setting('app.lookup_' || name, true), '') $$;

create function set_updated_at() returns trigger language plpgsql as
$$ begin new.updated_at := now(); return new; end $$;

create table tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) > 0),
  timezone text not null default 'America/Chicago',
  created_at timestamptz not null default now()
);
alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenant_self on tenants using (id = app_tenant()) with check (id = app_tenant());
grant select, insert, update on tenants to crm_app;

create table users (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  email text not null check (email like '%_@_%'),
  name text not null default '',
  role text not null check (role in ('owner', 'technician')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index users_email on users (tenant_id, lower(email));
create index users_email_lookup on users (lower(email));
alter table users enable row level security;
alter table users force row level security;
create policy tenant_rows on users using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
create policy sign_in_lookup on users for select using (lower(email) = app_lookup('email'));
grant select, insert, update on users to crm_app;

create table agent_tokens (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(trim(name)) > 0),
  prefix text not null unique,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (tenant_id, id)
);
alter table agent_tokens enable row level security;
alter table agent_tokens force row level security;
create policy tenant_rows on agent_tokens using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
create policy token_lookup on agent_tokens for select using (token_hash = app_lookup('token_hash') or prefix = app_lookup('token_prefix'));
create policy token_touch on agent_tokens for update using (token_hash = app_lookup('token_hash') or prefix = app_lookup('token_prefix'));
grant select, insert, update on agent_tokens to crm_app;

create table magic_links (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
alter table magic_links enable row level security;
alter table magic_links force row level security;
create policy tenant_rows on magic_links using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
create policy link_lookup on magic_links for select using (token_hash = app_lookup('token_hash'));
create policy link_use on magic_links for update using (token_hash = app_lookup('token_hash'));
grant select, insert, update on magic_links to crm_app;

create table sessions (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  token_hash text not null unique,
  csrf_token text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  ended_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
alter table sessions enable row level security;
alter table sessions force row level security;
create policy tenant_rows on sessions using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
create policy session_lookup on sessions for select using (token_hash = app_lookup('token_hash'));
create policy session_touch on sessions for update using (token_hash = app_lookup('token_hash'));
grant select, insert, update on sessions to crm_app;

-- Append-only: the app role may insert and read; a trigger refuses every change, whoever asks.
create table audit_log (
  tenant_id uuid not null references tenants (id),
  id bigint generated always as identity,
  entity_type text not null,
  entity_id uuid not null,
  action text not null,
  changes jsonb not null default '{}',
  actor_type text not null check (actor_type in ('user', 'agent', 'system')),
  actor_id uuid,
  reasoning text,
  request_id text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index audit_log_entity on audit_log (tenant_id, entity_type, entity_id, id);
alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy tenant_rows on audit_log using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert on audit_log to crm_app;

create function refuse_audit_change() returns trigger language plpgsql as
$$ begin raise exception 'the audit log is append-only' using errcode = 'CR001'; end $$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function refuse_audit_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function refuse_audit_change();

-- A stored response per (tenant, principal, Idempotency-Key).
create table idempotency_keys (
  tenant_id uuid not null references tenants (id),
  principal text not null,
  key text not null,
  request_hash text not null,
  status_code int,
  response jsonb,
  created_at timestamptz not null default now(),
  primary key (tenant_id, principal, key)
);
alter table idempotency_keys enable row level security;
alter table idempotency_keys force row level security;
create policy tenant_rows on idempotency_keys using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on idempotency_keys to crm_app;

create table contacts (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  kind text not null default 'person' check (kind in ('person', 'organization')),
  display_name text not null check (length(trim(display_name)) > 0),
  first_name text,
  last_name text,
  email text,
  phone text,
  status text not null default 'active' check (status in ('active', 'inactive', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index contacts_name_trgm on contacts using gin (display_name gin_trgm_ops);
create index contacts_created on contacts (tenant_id, created_at, id);
create trigger contacts_updated_at before update on contacts for each row execute function set_updated_at();
alter table contacts enable row level security;
alter table contacts force row level security;
create policy tenant_rows on contacts using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on contacts to crm_app;

-- One row once the first business was created at first start; not tenant data, never read by the app role.
create table installation (
  singleton boolean primary key default true check (singleton),
  first_tenant_id uuid not null,
  created_at timestamptz not null default now()
);
