-- The bytes of documents when the database is a PostgreSQL server (the embedded engine keeps them as files in its data
-- folder; an S3-compatible store keeps them itself). One row per business and content: the same photo uploaded twice is
-- stored once. Rows are only ever added.
create table document_blobs (
  tenant_id uuid not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, sha256)
);
create trigger document_blobs_updated_at before update on document_blobs for each row execute function set_updated_at();
alter table document_blobs enable row level security;
alter table document_blobs force row level security;
create policy tenant_rows on document_blobs using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert on document_blobs to crm_app;
