-- The owner's import page kept each uploaded file, its dry run and its import's progress in the memory of the server
-- process that took it, and ran the dry run inside the upload request: 60,000 rows took 22 to over 60 seconds, and a
-- proxy with a 60 s limit cut it off. An upload is now a row: the file, the mapping, the dry run's state and progress
-- (checking, checked, refused, failed; rows done of total; its report) and the import's (running, done, failed). The
-- work runs in the background of the process that took the request and writes its progress here batch by batch, so
-- any server process answers the page that polls it, and a restart no longer loses what was uploaded.
create table import_uploads (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  kind text not null check (kind in ('square_customers', 'csv_customers')),
  filename text not null check (length(filename) between 1 and 300),
  source text not null check (source ~ '^[a-z][a-z0-9_]{0,39}$'),
  csv text not null,
  -- The file's header row, for the mapping form (null when the file has none that can be read).
  headers jsonb,
  mapping jsonb,
  -- The dry run: each start is a new attempt, so a superseded one stops writing.
  check_status text not null default 'checking' check (check_status in ('checking', 'checked', 'refused', 'failed')),
  check_attempt int not null default 1,
  check_done int not null default 0,
  check_total int not null default 0,
  check_report jsonb,
  problem text,
  run_status text check (run_status in ('running', 'done', 'failed')),
  run_done int not null default 0,
  run_total int not null default 0,
  run_report jsonb,
  run_error text,
  author_type text not null check (author_type in ('user', 'agent', 'system')),
  author_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index import_uploads_recent on import_uploads (tenant_id, created_at desc);
create trigger import_uploads_updated_at before update on import_uploads for each row execute function set_updated_at();
alter table import_uploads enable row level security;
alter table import_uploads force row level security;
create policy tenant_rows on import_uploads using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on import_uploads to crm_app;
