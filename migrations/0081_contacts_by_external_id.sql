-- A customer's keys in the systems the business moved from (Square's Customer ID, a CSV import's id column) were kept
-- for matching only: contacts?q= now finds a customer by one of them, typed exactly, as it finds one by email. The
-- lookup reads the new index by business and value. Otherwise as in 0069.

create index contact_external_ids_value on contact_external_ids (tenant_id, external_id);

create or replace function contact_ids_matching(p_q text) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
  v_q text := trim(p_q);
  v_digits text := regexp_replace(p_q, '\D', '', 'g');
  v_words text[] := regexp_split_to_array(lower(trim(p_q)), '\s+');
begin
  if v_tenant is null or v_q = '' then return; end if;
  return query
    select c.id from contacts c
    where array[c.tenant_id] = array[v_tenant] and c.display_name ilike '%' || v_q || '%'
    union
    select c.id from contacts c where c.tenant_id = v_tenant and c.email = lower(v_q)
    union
    select c.id from contacts c
    where length(v_digits) >= 4 and array[c.tenant_id] = array[v_tenant] and c.phone_digits <> ''
      and c.phone_digits like '%' || v_digits || '%'
    union
    select x.contact_id from contact_external_ids x where x.tenant_id = v_tenant and x.external_id = v_q;
  if found then return; end if;
  -- Two or three words of three letters or more: each like a word of the name.
  if cardinality(v_words) between 2 and 3 and (select min(length(w)) from unnest(v_words) w) >= 3 then
    return query select contact_ids_like_each_word(v_tenant, v_q, v_words);
    if found then return; end if;
  end if;
  return query
    select c.id from contacts c where array[c.tenant_id] = array[v_tenant] and c.display_name % v_q
    union
    select c.id from contacts c where array[c.tenant_id] = array[v_tenant] and v_q <% c.display_name;
end $$;
