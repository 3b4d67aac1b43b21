-- The whole current definition of contacts_matching(), applied again whenever this file changes (docs/operations.md).
-- Made by 0111_contact_matches_in_order.sql: the matches of contacts?q=, each with its creation time for the list's order.

create or replace function contacts_matching(p_q text) returns table (id uuid, created_at timestamptz)
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
    select c.id, c.created_at from contacts c
    where array[c.tenant_id] = array[v_tenant] and c.display_name ilike '%' || v_q || '%'
    union
    select c.id, c.created_at from contacts c where c.tenant_id = v_tenant and c.email = lower(v_q)
    union
    select c.id, c.created_at from contacts c
    where length(v_digits) >= 4 and array[c.tenant_id] = array[v_tenant] and c.phone_digits <> ''
      and c.phone_digits like '%' || v_digits || '%'
    union
    select c.id, c.created_at from contact_external_ids x join contacts c on c.tenant_id = x.tenant_id and c.id = x.contact_id
    where x.tenant_id = v_tenant and x.external_id = v_q;
  if found then return; end if;
  -- Two or three words of three letters or more: each like a word of the name.
  if cardinality(v_words) between 2 and 3 and (select min(length(w)) from unnest(v_words) w) >= 3 then
    return query
      select c.id, c.created_at from contacts c
      where c.tenant_id = v_tenant and c.id in (select contact_ids_like_each_word(v_tenant, v_q, v_words));
    if found then return; end if;
  end if;
  return query
    select c.id, c.created_at from contacts c where array[c.tenant_id] = array[v_tenant] and c.display_name % v_q
    union
    select c.id, c.created_at from contacts c where array[c.tenant_id] = array[v_tenant] and v_q <% c.display_name;
end $$;
revoke all on function contacts_matching(text) from public;
grant execute on function contacts_matching(text) to crm_app;
