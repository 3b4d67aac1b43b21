create table reach_out_hello_links (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  token_hash text not null,
  used_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade
);
alter table reach_out_hello_links enable row level security;
alter table reach_out_hello_links force row level security;
create policy tenant_rows on reach_out_hello_links using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on reach_out_hello_links to crm_app;
create trigger reach_out_hello_links_reach_out_hello_lookup after insert or delete or update of token_hash, tenant_id
  on reach_out_hello_links for each row execute function keep_secret_lookup('reach_out_hello', 'token_hash');
