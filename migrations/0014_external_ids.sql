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

-- A new customer is checked against the others' email and phone (last ten digits) before it is created.
create index contacts_email_lower on contacts (tenant_id, lower(email));
create index contacts_phone_digits on contacts (tenant_id, right(regexp_replace(phone, '[^0-9]', '', 'g'), 10));
