-- Recurring appointments. A series is a template (customer, place, time of day, length, technicians, work) and an RFC
-- 5545 rule read in the business's local wall time, so a 09:00 visit stays at 09:00 across daylight-saving changes.
-- Its visits are ordinary tickets generated a horizon ahead, each naming its series and the local date it was generated
-- for (its recurrence id). A series has at most one visit a day, so that date alone identifies the occurrence: a visit
-- moved to another time or cancelled (skipped) keeps it, and the unique index below stops it ever being generated again.
-- A visit cancelled because the series paused lets go of its date (series_occurrence null, series_id kept for history),
-- so resuming early brings it back.
create table series (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  address_id uuid,
  -- The RRULE's parts without DTSTART, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU.
  rule text not null check (length(rule) between 6 and 500),
  -- DTSTART as local wall time in time_zone: the first visit's date, and the time of day every visit starts.
  start_date date not null,
  start_time text not null check (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  time_zone text not null,
  duration_minutes int not null check (duration_minutes between 5 and 1440),
  technician_ids uuid[] not null default '{}',
  -- The work of each visit as ticket.create takes line_items.
  line_items jsonb not null default '[]' check (jsonb_typeof(line_items) = 'array'),
  is_price_estimated boolean not null default false,
  notes text,
  status text not null default 'active' check (status in ('active', 'paused', 'ended')),
  -- Paused for a season: no visits before this local date; null while paused means until resumed.
  paused_until date,
  -- No visits on or after this local date (the series ended, or was split there into the series that follows it).
  ends_on date,
  -- Occurrences skipped before their visit was generated (beyond the horizon).
  skipped_dates date[] not null default '{}',
  -- The last local date visits have been generated through; the worker looks again when the horizon moves past it.
  generated_through date,
  previous_series_id uuid,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (status = 'paused' or paused_until is null),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, address_id) references addresses (tenant_id, id),
  foreign key (tenant_id, previous_series_id) references series (tenant_id, id)
);
create index series_contact on series (tenant_id, contact_id);
create index series_due on series (tenant_id, generated_through) where status <> 'ended';
create trigger series_updated_at before update on series for each row execute function set_updated_at();
alter table series enable row level security;
alter table series force row level security;
create policy tenant_rows on series using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on series to crm_app;

alter table tickets
  add column series_id uuid,
  add column series_occurrence date,
  add constraint tickets_series_fk foreign key (tenant_id, series_id) references series (tenant_id, id),
  add constraint tickets_series_occurrence check (series_occurrence is null or series_id is not null);
create unique index tickets_series_occurrence_key on tickets (tenant_id, series_id, series_occurrence) where series_occurrence is not null;

-- The worker's scan: the businesses with a series whose visits are generated short of the horizon. Like the overdue
-- scan (0012, 0016) the policy admits rows only to the function's owner while its lookup flag is set, and only the
-- worker role may call it; each business is then served in its own transaction.
do $$ begin
  execute format('create policy series_scan on series for select to %I using (app_lookup(''series_scan'') = ''on'')', current_user);
end $$;
create function tenants_with_series_due(p_through date) returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_series_scan', 'on', true);
  return query
    select distinct s.tenant_id from series s
    where s.status <> 'ended' and (s.generated_through is null or s.generated_through < p_through);
  perform set_config('app.lookup_series_scan', '', true);
end $$;
revoke all on function tenants_with_series_due(date) from public;
grant execute on function tenants_with_series_due(date) to crm_worker;
