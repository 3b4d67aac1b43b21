-- The whole current definition of contact_ids_matching(), applied again whenever this file changes
-- (docs/operations.md). The ids alone, for the lookups that need no order: one definition of what matches
-- (contacts_matching).

create or replace function contact_ids_matching(p_q text) returns setof uuid
language sql stable security definer rows 50
set search_path = public, pg_temp as $$
  select m.id from contacts_matching(p_q) m
$$;
grant execute on function contact_ids_matching(text) to crm_app;
