-- The worker's scans across businesses read as the database's owner (security definer), and forced row level security
-- hides every business's rows from the owner unless a policy admits them. A superuser owner skips row level security,
-- so these scans only worked on a database that belongs to one; the documented deploy role (an owner that may create
-- roles, not a superuser) saw nothing: no address was located, no QuickBooks or Google account synced, no approval link
-- purged. As for the other scans: rows are admitted only to the function's owner while its lookup flag is set.
do $$ begin
  execute format('create policy point_scan on addresses for select to %I using (app_lookup(''point_scan'') = ''on'')', current_user);
  execute format('create policy google_scan on google_connections for all to %I using (app_lookup(''google_scan'') = ''on'')', current_user);
  execute format('create policy google_scan on google_calendar_reads for select to %I using (app_lookup(''google_scan'') = ''on'')', current_user);
  execute format('create policy quickbooks_scan on quickbooks_connections for all to %I using (app_lookup(''quickbooks_scan'') = ''on'')', current_user);
  execute format('create policy link_purge on approval_links for all to %I using (app_lookup(''link_purge'') = ''on'')', current_user);
end $$;

create or replace function addresses_awaiting_points(p_now timestamptz) returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_point_scan', 'on', true);
  return query select distinct a.tenant_id from addresses a
  where a.archived_at is null and a.point_status in ('pending', 'failed')
    and (a.point_retry_at is null or a.point_retry_at <= p_now);
  perform set_config('app.lookup_point_scan', '', true);
end $$;

create or replace function google_connections_due(p_now timestamptz, p_every_seconds int) returns table (tenant_id uuid, user_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_google_scan', 'on', true);
  return query select c.tenant_id, c.user_id from google_connections c
  where c.status = 'connected'
    and (c.calendar_on or c.contacts_on or c.gmail_on)
    and (c.lease_until is null or c.lease_until < p_now)
    and (c.backoff_until is null or c.backoff_until <= p_now or c.sync_requested_at > c.last_sync_at)
    and (c.last_sync_at is null or c.sync_requested_at > c.last_sync_at or c.last_sync_at < p_now - make_interval(secs => p_every_seconds))
  order by c.last_sync_at nulls first;
  perform set_config('app.lookup_google_scan', '', true);
end $$;

create or replace function google_calendar_channel_notified(p_channel_id text, p_token_hash text, p_request boolean, p_now timestamptz) returns text
language plpgsql security definer set search_path = public, pg_temp as $$
declare r record;
begin
  perform set_config('app.lookup_google_scan', 'on', true);
  select g.tenant_id, g.user_id, g.channel_token_hash, c.status, c.calendar_on into r
  from google_calendar_reads g join google_connections c on c.tenant_id = g.tenant_id and c.user_id = g.user_id
  where g.channel_id = p_channel_id;
  if not found or r.status <> 'connected' or not r.calendar_on then
    perform set_config('app.lookup_google_scan', '', true);
    return 'unknown';
  end if;
  if r.channel_token_hash is distinct from p_token_hash then
    perform set_config('app.lookup_google_scan', '', true);
    return 'refused';
  end if;
  if p_request then
    update google_connections set sync_requested_at = p_now where tenant_id = r.tenant_id and user_id = r.user_id;
  end if;
  perform set_config('app.lookup_google_scan', '', true);
  return 'ok';
end $$;

create or replace function quickbooks_companies_due(p_now timestamptz, p_every_seconds int) returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_quickbooks_scan', 'on', true);
  return query select c.tenant_id from quickbooks_connections c
  where c.status = 'connected'
    and (c.lease_until is null or c.lease_until < p_now)
    and (c.backoff_until is null or c.backoff_until <= p_now or c.sync_requested_at > c.last_sync_at)
    and (c.last_sync_at is null or c.sync_requested_at > c.last_sync_at or c.last_sync_at < p_now - make_interval(secs => p_every_seconds))
  order by c.last_sync_at nulls first;
  perform set_config('app.lookup_quickbooks_scan', '', true);
end $$;

create or replace function quickbooks_request_sync(p_realm_id text, p_now timestamptz) returns int
language plpgsql security definer set search_path = public, pg_temp as $$
declare n int;
begin
  perform set_config('app.lookup_quickbooks_scan', 'on', true);
  update quickbooks_connections set sync_requested_at = p_now where realm_id = p_realm_id and status = 'connected';
  get diagnostics n = row_count;
  perform set_config('app.lookup_quickbooks_scan', '', true);
  return n;
end $$;

-- Was plain SQL; plpgsql lets it set and clear its flag around the delete.
drop function purge_approval_links(timestamptz);
create function purge_approval_links(p_now timestamptz) returns bigint
language plpgsql security definer set search_path = public, pg_temp as $$
declare n bigint;
begin
  perform set_config('app.lookup_link_purge', 'on', true);
  delete from approval_links where expires_at < p_now - interval '1 day' or used_at < p_now - interval '1 day';
  get diagnostics n = row_count;
  perform set_config('app.lookup_link_purge', '', true);
  return n;
end $$;
revoke all on function purge_approval_links(timestamptz) from public;
grant execute on function purge_approval_links(timestamptz) to crm_worker;
