-- Keys of records in the systems a business moved from (Square's customer id), so an import run twice creates nothing new.

create table contact_external_ids (
  tenant_id uuid not null references tenants (id),
  source text not null check (source ~ '^[a-z][a-z0-9_]{0,30}$'),
  external_id text not null check (length(external_id) between 1 and 200),
  contact_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, source, external_id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade
);
create index contact_external_ids_contact on contact_external_ids (tenant_id, contact_id);

alter table contact_external_ids enable row level security;
alter table contact_external_ids force row level security;
create policy tenant_rows on contact_external_ids using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, delete on contact_external_ids to crm_app;

-- A new customer is checked against the others' email (already stored in lower case) and phone (last ten digits)
-- before it is created. The phone key is a stored column so the lookup compares plain text: under forced row level
-- security an index on an expression is not used (its functions are not leakproof), and every create would scan.
alter table contacts add column phone_key text
  generated always as (nullif(right(regexp_replace(primary_value(phones), '[^0-9]', '', 'g'), 10), '')) stored;
create index contacts_phone_key on contacts (tenant_id, phone_key);
