-- Google Calendar read back, recurring events: a person's own recurring event blocks each of its occurrences, and a
-- recurring event of ours deleted or changed for every visit in Google raises a request for each of its visits.

-- A busy block of one occurrence of the person's own recurring event names that event: when the event changes or goes,
-- the blocks of its occurrences are made again or dropped together.
alter table google_busy_blocks add column series_event_id text;
create index google_busy_blocks_series on google_busy_blocks (tenant_id, user_id, calendar_id, series_event_id)
  where series_event_id is not null;

-- The person's own recurring events that make them busy, and how far ahead their occurrences were read
-- (events.instances): read again as time moves on, so an event that runs on keeps blocking its occurrences ahead.
create table google_busy_series (
  tenant_id uuid not null,
  user_id uuid not null,
  calendar_id text not null,
  event_id text not null,
  read_through timestamptz not null,
  read_at timestamptz not null,
  primary key (tenant_id, user_id, calendar_id, event_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
alter table google_busy_series enable row level security;
alter table google_busy_series force row level security;
create policy tenant_rows on google_busy_series using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_busy_series to crm_app;

-- A request raised by a change to a whole recurring event of ours (deleted, or changed for every visit) names that
-- event: declined, the recurring event is written back as the series says, which answers its other visits' requests.
alter table google_change_requests add column series_event_id text;
