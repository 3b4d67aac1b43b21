-- The businesses with a sent quote close to its valid_until (a follow-up to make) or past it (to mark expired). The
-- UTC date gives a day's margin either way; the worker decides each business's own "today" in that business's
-- transaction, where it makes the follow-ups and marks the quotes, audited there.
create function tenants_with_quotes_to_chase(p_now timestamptz) returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_quote_scan', 'on', true);
  return query
    select distinct q.tenant_id from quotes q
    where q.status = 'sent'
      and (q.valid_until <= (p_now at time zone 'UTC')::date
           or (q.follow_up_interaction_id is null and q.valid_until <= (p_now at time zone 'UTC')::date + 3));
  perform set_config('app.lookup_quote_scan', '', true);
end $$;
revoke all on function tenants_with_quotes_to_chase(timestamptz) from public;
grant execute on function tenants_with_quotes_to_chase(timestamptz) to crm_worker;

-- As for the worker's other scans: rows are admitted only to the function's owner while its lookup flag is set.
do $$ begin
  execute format('create policy quote_scan on quotes for select to %I using (app_lookup(''quote_scan'') = ''on'')', current_user);
end $$;
