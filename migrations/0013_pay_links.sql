-- A lasting address for paying one invoice online. Stripe's checkout pages expire within a day, but an emailed invoice
-- may be opened weeks later: the email carries /pay/<secret>, which sends the customer to the open checkout page or to
-- a new one. Only the secret's hash is stored.
create table pay_links (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  invoice_id uuid not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_opened_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create index pay_links_invoice on pay_links (tenant_id, invoice_id);
alter table pay_links enable row level security;
alter table pay_links force row level security;
create policy tenant_rows on pay_links using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
-- A customer's click carries only the secret: the row matching its hash may be read to learn the business.
create policy link_lookup on pay_links for select using (token_hash = app_lookup('token_hash'));
grant select, insert, update on pay_links to crm_app;
