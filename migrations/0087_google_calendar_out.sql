-- Google Calendar, written: which calendar each person's visits go to, the business's shared calendar, and what was
-- written to Google for each visit and calendar.

-- null: the person's primary calendar.
alter table google_connections add column calendar_id text check (calendar_id is null or length(calendar_id) between 1 and 1024);
-- Only on the owner's connection: a calendar of theirs where every visit of the business also goes (null: none).
alter table google_connections add column shared_calendar_id text check (shared_calendar_id is null or length(shared_calendar_id) between 1 and 1024);
-- The person's calendars as Google last listed them ([{id, summary, primary, access_role}]), to choose from.
alter table google_connections add column calendars jsonb check (calendars is null or jsonb_typeof(calendars) = 'array');
alter table google_connections add column calendars_listed_at timestamptz;

-- One row per visit and calendar it is written to: the account that writes it (the technician's, or the owner's for
-- the shared calendar), the event id we chose (derived from the ticket and calendar, so a retry after a crash finds
-- the event Google made instead of making a second), and a fingerprint of what was last sent.
create table google_events (
  tenant_id uuid not null references tenants (id),
  ticket_id uuid not null,
  user_id uuid not null,
  calendar_id text not null,
  event_id text not null check (event_id ~ '^[a-v0-9]+$' and length(event_id) between 5 and 1024),
  -- Why the event exists: the technician is assigned, or the business's shared calendar.
  purpose text not null check (purpose in ('technician', 'shared')),
  etag text,
  fingerprint text,
  -- pending: to be written (or deleted); synced: Google has what the fingerprint says; failed: Google refused it (the
  -- error says why; retried when the visit changes); deleted: removed from Google.
  state text not null default 'pending' check (state in ('pending', 'synced', 'failed', 'deleted')),
  error text,
  attempts int not null default 0,
  synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, ticket_id, user_id, calendar_id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index google_events_user on google_events (tenant_id, user_id, state);
create trigger google_events_updated_at before update on google_events for each row execute function set_updated_at();
alter table google_events enable row level security;
alter table google_events force row level security;
create policy tenant_rows on google_events using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_events to crm_app;
