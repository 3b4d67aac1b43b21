-- The operator's commands (crm token create, crm demo, the imports and exports) run as the connection's own role, outside
-- any business. With one business in the database they need no business id; with several they name the choices. As for
-- the worker's scans, the rows are admitted only to the role that owns this function (the migrating role; never crm_app)
-- and only while the function has set its lookup flag.
do $$ begin
  execute format('create policy operator_list on tenants for select to %I using (app_lookup(''operator_list'') = ''on'')', current_user);
end $$;

-- Every business in the database, oldest first.
create function operator_businesses() returns table (id uuid, name text, created_at timestamptz)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_operator_list', 'on', true);
  return query select t.id, t.name, t.created_at from tenants t order by t.created_at, t.id;
  perform set_config('app.lookup_operator_list', '', true);
end $$;
revoke all on function operator_businesses() from public;
