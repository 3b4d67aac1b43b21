-- contacts?q= with a misspelt full name ("Zacary Peterson") at 100k customers: the whole name's similarity (%) and the
-- word similarity of q in a name (<%) each test every name sharing trigrams with q, 1,500 names or more for common
-- words, and listed hundreds of names alike only in part ("Paul Peterson"). Names in which each word of q is like a word
-- and the whole is like q are looked for first, every word a condition on the trigram index so that it returns few
-- names; the whole-name lookups alone only when none is found (a single word, or one of one or two letters).
-- Otherwise as in 0060.

-- Contacts of the business whose name is like q as a whole and has, for each word of q, a word like it ("jonh" in
-- "John Smith" and "Jonathan Smith", "zacary" in "Zachary Peterson"): PostgreSQL's 0.3 for both similarities.
create or replace function contact_ids_like_each_word(p_tenant uuid, p_q text, p_words text[]) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set pg_trgm.similarity_threshold = 0.3
  set pg_trgm.word_similarity_threshold = 0.3 as $$
declare
  v_each text;
begin
  select string_agg(format('%L <%% c.display_name', w), ' and ') into v_each from unnest(p_words) w;
  if v_each is null then return; end if;
  -- The words go in as literals, so each is a condition the trigram index narrows by.
  return query execute format('select c.id from contacts c where array[c.tenant_id] = array[%L::uuid] and c.display_name %% %L and %s',
    p_tenant, p_q, v_each);
end $$;
revoke all on function contact_ids_like_each_word(uuid, text, text[]) from public;
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
      and c.phone_digits like '%' || v_digits || '%';
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
