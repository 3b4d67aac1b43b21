-- Google Calendar, recurring: a series' unchanged visits are one recurring event per calendar; a visit of it is an
-- instance of that event (its id: the recurring event's id, '_', its original start in UTC, as Google names them).

-- A visit written as an instance of a recurring event keeps the instance id.
alter table google_events drop constraint google_events_event_id_check;
alter table google_events add constraint google_events_event_id_check
  check (event_id ~ '^[a-v0-9]+(_[0-9]{8}(T[0-9]{6}Z)?)?$' and length(event_id) between 5 and 1024);

-- One row per series and calendar its recurring event is written to: the id we chose (derived from the series, the
-- calendar and the rule's shape, so a retry after a crash finds the event Google made), and what was last sent.
create table google_series_events (
  tenant_id uuid not null references tenants (id),
  series_id uuid not null,
  user_id uuid not null,
  calendar_id text not null,
  event_id text not null check (event_id ~ '^[a-v0-9]+$' and length(event_id) between 5 and 1024),
  purpose text not null check (purpose in ('technician', 'shared')),
  etag text,
  fingerprint text,
  -- Instances cancelled because their occurrence has no visit (paused, skipped): written back when a visit takes it again.
  cancelled_instances text[] not null default '{}',
  -- as google_events.state
  state text not null default 'pending' check (state in ('pending', 'synced', 'failed', 'deleted')),
  error text,
  attempts int not null default 0,
  synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, series_id, user_id, calendar_id),
  foreign key (tenant_id, series_id) references series (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create trigger google_series_events_updated_at before update on google_series_events for each row execute function set_updated_at();
alter table google_series_events enable row level security;
alter table google_series_events force row level security;
create policy tenant_rows on google_series_events using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_series_events to crm_app;
