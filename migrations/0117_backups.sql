-- Backups: each run of a sealed, verified archive of the whole service (business_id null) or of one business, where it
-- was written and what it held. The owner's Home and settings read the last verified one that covers the business.
create table backup_runs (
  id uuid primary key default gen_random_uuid(),
  -- The one business the archive holds; null: every business (a backup before migrations, or the operator's).
  business_id uuid,
  reason text not null check (reason in ('manual', 'nightly', 'before_migrations', 'before_restore')),
  status text not null default 'running' check (status in ('running', 'verified', 'failed')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  -- The business's own day a nightly run is for: one nightly archive a day.
  nightly_day date,
  file text,
  remote text,
  bytes bigint,
  sha256 text,
  counts jsonb,
  error text,
  check ((status = 'running') = (finished_at is null)),
  check ((reason = 'nightly') = (nightly_day is not null))
);
-- One run at a time per business (and one of the whole service); a run whose process died is ended by the next pass.
create unique index backup_runs_one_running on backup_runs (coalesce(business_id, '00000000-0000-0000-0000-000000000000'::uuid))
  where status = 'running';
create index backup_runs_latest on backup_runs (business_id, finished_at desc);

-- The owner's pages read the runs that cover their business; only the product's own processes write them.
alter table backup_runs enable row level security;
create policy business_runs on backup_runs for select to crm_app using (business_id is null or business_id = app_tenant());
grant select on backup_runs to crm_app;

-- When the nightly backup runs (the business's wall-clock time) and how many archives are kept.
alter table tenants add column backup_time text not null default '02:30' check (backup_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');
alter table tenants add column backup_keep_daily int not null default 7 check (backup_keep_daily between 1 and 90);
alter table tenants add column backup_keep_weekly int not null default 4 check (backup_keep_weekly between 0 and 104);
alter table tenants add column backup_keep_monthly int not null default 12 check (backup_keep_monthly between 0 and 120);
