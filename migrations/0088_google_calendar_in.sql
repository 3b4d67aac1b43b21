-- Google Calendar read back: where each person's calendar was read up to, its push channel, the busy times they added
-- there, and the changes they made to our visits there, waiting for the owner's or the agent's answer.

-- One calendar of one person: Google's sync token (the next read asks only for what changed since), and the push
-- channel Google notifies when the server has a public https address. The channel's token is kept as a hash.
create table google_calendar_reads (
  tenant_id uuid not null,
  user_id uuid not null,
  calendar_id text not null,
  sync_token text,
  full_read_at timestamptz,
  last_read_at timestamptz,
  channel_id text,
  channel_token_hash text,
  channel_resource_id text,
  channel_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id, calendar_id),
  unique (tenant_id, channel_id),
  foreign key (tenant_id, user_id) references google_connections (tenant_id, user_id) on delete cascade
);
create index google_calendar_reads_channel on google_calendar_reads (channel_id) where channel_id is not null;
create trigger google_calendar_reads_updated_at before update on google_calendar_reads for each row execute function set_updated_at();
alter table google_calendar_reads enable row level security;
alter table google_calendar_reads force row level security;
create policy tenant_rows on google_calendar_reads using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_calendar_reads to crm_app;

-- A busy time a person put in their own Google calendar (not one of our visits): times only, never its title or
-- description, since it is their private calendar. It blocks their availability like a visit.
create table google_busy_blocks (
  tenant_id uuid not null,
  user_id uuid not null,
  calendar_id text not null,
  event_id text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id, calendar_id, event_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id),
  check (ends_at > starts_at)
);
create index google_busy_blocks_time on google_busy_blocks (tenant_id, user_id, starts_at);
create trigger google_busy_blocks_updated_at before update on google_busy_blocks for each row execute function set_updated_at();
alter table google_busy_blocks enable row level security;
alter table google_busy_blocks force row level security;
create policy tenant_rows on google_busy_blocks using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_busy_blocks to crm_app;

-- A visit moved or deleted in a person's Google calendar: a request the owner or the agent accepts or declines, never
-- applied by itself. google_updated is the event's own change time: a change read again (a full read after a 410)
-- raises nothing new.
create table google_change_requests (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  ticket_id uuid not null,
  user_id uuid not null,
  calendar_id text not null,
  event_id text not null,
  kind text not null check (kind in ('reschedule', 'cancel')),
  proposed_start timestamptz,
  proposed_end timestamptz,
  was_start timestamptz not null,
  was_end timestamptz not null,
  google_updated timestamptz not null,
  -- open: waiting for an answer; accepted / declined: answered; ignored: the visit could not change (completed or
  -- cancelled already), with the words in note; superseded: a later change in Google replaced it.
  status text not null default 'open' check (status in ('open', 'accepted', 'declined', 'ignored', 'superseded')),
  note text,
  answered_by uuid,
  answered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id),
  check (kind = 'cancel' or (proposed_start is not null and proposed_end > proposed_start))
);
create unique index google_change_requests_open on google_change_requests (tenant_id, ticket_id, user_id) where status = 'open';
create index google_change_requests_event on google_change_requests (tenant_id, calendar_id, event_id, google_updated);
create trigger google_change_requests_updated_at before update on google_change_requests for each row execute function set_updated_at();
alter table google_change_requests enable row level security;
alter table google_change_requests force row level security;
create policy tenant_rows on google_change_requests using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on google_change_requests to crm_app;

-- Google notified a push channel: the channel is found by its id (the request carries no business yet) and its token
-- checked against the hash. Answers 'unknown' (no such channel, or its account no longer syncs its calendar),
-- 'refused' (the token does not match), or 'ok' (and, when p_request, the account syncs at the worker's next pass).
create function google_calendar_channel_notified(p_channel_id text, p_token_hash text, p_request boolean, p_now timestamptz) returns text
language plpgsql security definer set search_path = public, pg_temp as $$
declare r record;
begin
  select g.tenant_id, g.user_id, g.channel_token_hash, c.status, c.calendar_on into r
  from google_calendar_reads g join google_connections c on c.tenant_id = g.tenant_id and c.user_id = g.user_id
  where g.channel_id = p_channel_id;
  if not found or r.status <> 'connected' or not r.calendar_on then return 'unknown'; end if;
  if r.channel_token_hash is distinct from p_token_hash then return 'refused'; end if;
  if p_request then
    update google_connections set sync_requested_at = p_now where tenant_id = r.tenant_id and user_id = r.user_id;
  end if;
  return 'ok';
end $$;
revoke all on function google_calendar_channel_notified(text, text, boolean, timestamptz) from public;
grant execute on function google_calendar_channel_notified(text, text, boolean, timestamptz) to crm_worker;
