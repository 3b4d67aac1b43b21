-- Google contacts brought in as customers. Which customer a Google contact became is kept by the import path
-- (contact_external_ids, source 'google', the contact's resource name); these tables keep what the refresh needs.

-- Per business: the owner's account the contacts came from and the People API sync token of its last read.
create table google_contacts_sync (
  tenant_id uuid not null references tenants (id),
  user_id uuid not null,
  google_email text not null,
  -- Null after Google refused it as expired: the next refresh reads every contact again.
  sync_token text,
  imported_at timestamptz not null,
  refreshed_at timestamptz,
  -- Reads of every contact since the import (the first, and one after each expired token).
  full_reads int not null default 1,
  primary key (tenant_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
alter table google_contacts_sync enable row level security;
alter table google_contacts_sync force row level security;
create policy tenant_rows on google_contacts_sync using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_contacts_sync to crm_app;

-- Each Google contact linked to a customer: its etag when last read (an unchanged contact is not applied again) and
-- when it was deleted in Google (the customer stays).
create table google_contacts (
  tenant_id uuid not null references tenants (id),
  resource_name text not null check (resource_name ~ '^people/[A-Za-z0-9_-]{1,100}$'),
  contact_id uuid not null,
  etag text,
  deleted_in_google_at timestamptz,
  read_at timestamptz not null default now(),
  primary key (tenant_id, resource_name),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade
);
create index google_contacts_contact on google_contacts (tenant_id, contact_id);
alter table google_contacts enable row level security;
alter table google_contacts force row level security;
create policy tenant_rows on google_contacts using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_contacts to crm_app;
