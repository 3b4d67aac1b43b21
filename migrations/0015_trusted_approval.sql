-- What the owner sees and answers about a queued agent call, and standing rules that let an agent act without asking.

alter table authorization_requests
  add column preview jsonb,
  add column decision_reason text check (decision_reason in ('wrong_customer', 'wrong_amount', 'not_now', 'ask_me_first', 'other')),
  add column edits jsonb,
  add column edited_by uuid,
  add column edited_at timestamptz,
  add foreign key (tenant_id, edited_by) references users (tenant_id, id);

create table standing_rules (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  action_key text not null,
  conditions jsonb not null default '[]' check (jsonb_typeof(conditions) = 'array'),
  expires_at timestamptz,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  revoked_by uuid,
  revoked_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, created_by) references users (tenant_id, id),
  foreign key (tenant_id, revoked_by) references users (tenant_id, id)
);
create index standing_rules_active on standing_rules (tenant_id, action_key) where revoked_at is null;

do $$
declare t text;
begin
  foreach t in array array['standing_rules'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_rows on %I using (tenant_id = app_tenant()) with check (tenant_id = app_tenant())', t);
    execute format('grant select, insert, update, delete on %I to crm_app', t);
  end loop;
end $$;
