-- The contacts list's word filter (q) through indexes: under row level security the planner may not use an index for a
-- test that is not leakproof (ILIKE, trigram similarity), so it read every contact of the business and tested each. This
-- function runs as the migrations' owner, finds the matching ids through the indexes, and keeps to the caller's business
-- by naming app_tenant() itself.
create index contacts_phone_digits_trgm on contacts using gin (phone_digits gin_trgm_ops) where phone_digits <> '';

create function contact_ids_matching(p_q text) returns setof uuid
language plpgsql stable security definer
set search_path = public, pg_temp set enable_seqscan = off as $$
declare
  v_tenant uuid := app_tenant();
  v_q text := trim(p_q);
  v_digits text := regexp_replace(p_q, '\D', '', 'g');
begin
  if v_tenant is null or v_q = '' then return; end if;
  return query
    select c.id from contacts c
    where c.tenant_id = v_tenant and (c.display_name ilike '%' || v_q || '%' or c.display_name % v_q or v_q <% c.display_name)
    union
    select c.id from contacts c where c.tenant_id = v_tenant and c.email = lower(v_q)
    union
    select c.id from contacts c
    where length(v_digits) >= 4 and c.tenant_id = v_tenant and c.phone_digits <> '' and c.phone_digits like '%' || v_digits || '%';
end $$;
grant execute on function contact_ids_matching(text) to crm_app;
