-- Every reach-out email carries a link that stops them: the customer opens it, presses Stop, and gets no more reach-outs
-- (emails about their visits and invoices still come). Each email's link has its own random secret, only its hash kept;
-- it works as long as the customer may want it, and opening it twice changes nothing.

create table reach_out_stop_links (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  message_id uuid not null,
  token_hash text not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
  foreign key (tenant_id, message_id) references scheduled_messages (tenant_id, id) on delete cascade
);
create index reach_out_stop_links_contact on reach_out_stop_links (tenant_id, contact_id);
alter table reach_out_stop_links enable row level security;
alter table reach_out_stop_links force row level security;
create policy tenant_rows on reach_out_stop_links using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on reach_out_stop_links to crm_app;

-- The secret leads to its business through the global lookup, as every customer link's does (migration 0107).
alter table secret_lookups drop constraint secret_lookups_kind_check;
alter table secret_lookups add constraint secret_lookups_kind_check check (kind in ('agent_token', 'agent_token_prefix',
  'magic_link', 'session', 'oauth_code', 'oauth_token', 'calendar_feed', 'pay_link', 'response_link', 'slot_offer',
  'approval_link', 'reach_out_stop'));
create trigger reach_out_stop_links_reach_out_stop_lookup after insert or delete or update of token_hash, tenant_id
  on reach_out_stop_links for each row execute function keep_secret_lookup('reach_out_stop', 'token_hash');
