-- Files kept with a customer, a visit or an invoice: contracts, photos, estimates. A document is the named thing people
-- see; each upload of its content is a version, kept so an older one stays readable after a new one arrives. The bytes
-- live in the configured document store, found by the business and the content's SHA-256, never by the file's name.
create table documents (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  contact_id uuid,
  ticket_id uuid,
  invoice_id uuid,
  name text not null check (length(trim(name)) between 1 and 200),
  category text not null check (category in ('contract', 'photo', 'estimate', 'other')),
  tags text[] not null default '{}' check (cardinality(tags) <= 20),
  -- The latest version's facts, kept here so a list reads one row per document.
  version int not null default 1 check (version >= 1),
  content_type text not null,
  size_bytes bigint not null check (size_bytes > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  author_type text not null check (author_type in ('user', 'agent', 'system')),
  author_id uuid,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (num_nonnulls(contact_id, ticket_id, invoice_id) = 1),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create index documents_contact on documents (tenant_id, contact_id, created_at desc) where contact_id is not null;
create index documents_ticket on documents (tenant_id, ticket_id, created_at desc) where ticket_id is not null;
create index documents_invoice on documents (tenant_id, invoice_id, created_at desc) where invoice_id is not null;
create index documents_recent on documents (tenant_id, created_at desc);
create trigger documents_updated_at before update on documents for each row execute function set_updated_at();
create trigger documents_redact_name before insert or update of name on documents
  for each row execute function redact_sensitive_column('name', 'document');
alter table documents enable row level security;
alter table documents force row level security;
create policy tenant_rows on documents using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on documents to crm_app;

-- Every upload of a document's content, oldest first. Versions are never changed or removed: the app may only add one.
create table document_versions (
  tenant_id uuid not null,
  document_id uuid not null,
  version int not null check (version >= 1),
  content_type text not null,
  size_bytes bigint not null check (size_bytes > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  author_type text not null check (author_type in ('user', 'agent', 'system')),
  author_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, document_id, version),
  foreign key (tenant_id, document_id) references documents (tenant_id, id)
);
create trigger document_versions_updated_at before update on document_versions for each row execute function set_updated_at();
alter table document_versions enable row level security;
alter table document_versions force row level security;
create policy tenant_rows on document_versions using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert on document_versions to crm_app;
