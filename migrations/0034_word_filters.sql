-- Every list filter that takes words goes through an index, as the contacts' q does since 0033: under forced row level
-- security the planner may not use an index for a test that is not leakproof (ILIKE, trigram similarity), so a plain
-- filter tests every row of the business. Each function below runs as the migrations' owner, finds the matching ids
-- through a trigram index, and keeps to the caller's business by naming app_tenant() itself.
--
-- The trigram indexes lead with the business, so a small business is not slowed by a big one sharing the database. The
-- lookups name the business only as array[tenant_id]: named as tenant_id too, a plan could read the business by another
-- index of the table and test every row.
-- A GIN index cannot take a uuid column without btree_gin, which the embedded engine cannot load beside pg_trgm (the
-- second extension bundle can leave the `%` operator answering nothing and the next statement hanging), so the business
-- goes in as a one-element array (array[tenant_id]), which GIN indexes with its built-in array operators.

-- The words a filter matches, joined as the filters always joined them (concat_ws skips nulls), fixed so they can be
-- indexed: concat_ws itself is only stable because it takes any type.
create function contact_filter_words(p_display_name text, p_email text) returns text
language sql immutable parallel safe as $$ select concat_ws(' ', p_display_name, p_email) $$;
create function lead_filter_words(p_name text, p_email text, p_phone text, p_address text, p_service_interest text, p_raw_notes text)
returns text language sql immutable parallel safe as $$
  select concat_ws(' ', p_name, p_email, p_phone, p_address, p_service_interest, p_raw_notes)
$$;

-- Contacts: the name, and name with email for "by customer" filters; the phone's digits. These replace the
-- business-blind indexes of 0001 and 0033.
drop index contacts_name_trgm;
drop index contacts_phone_digits_trgm;
create index contacts_name_words on contacts using gin ((array[tenant_id]), display_name gin_trgm_ops);
create index contacts_phone_digits_words on contacts using gin ((array[tenant_id]), phone_digits gin_trgm_ops) where phone_digits <> '';
create index contacts_customer_words on contacts using gin ((array[tenant_id]), contact_filter_words(display_name, email) gin_trgm_ops);
create index leads_words on leads using gin ((array[tenant_id]), lead_filter_words(name, email, phone, address, service_interest, raw_notes) gin_trgm_ops);
create index leads_phone_digits_words on leads using gin ((array[tenant_id]), regexp_replace(coalesce(phone, ''), '\D', '', 'g') gin_trgm_ops);
create index services_name_words on services using gin ((array[tenant_id]), name gin_trgm_ops);
create index users_name_words on users using gin ((array[tenant_id]), name gin_trgm_ops);
create index users_email_words on users using gin ((array[tenant_id]), email gin_trgm_ops);
create index invoices_number_words on invoices using gin ((array[tenant_id]), number gin_trgm_ops);

-- Each function says it returns about 50 ids (rows 50), not the planner's default 1000 for a set-returning function: the
-- list then reads its rows by these ids instead of walking the whole business in its sort order and testing each one.
-- Each statement is planned for the business at hand (force_custom_plan): for a small one, reading its few rows by the
-- business key and testing them is cheapest; for a big one only the words' trigrams narrow the read. A plan made once
-- for any business would guess one size for all.

-- As in 0033, through the indexes that lead with the business.
create or replace function contact_ids_matching(p_q text) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
  v_q text := trim(p_q);
  v_digits text := regexp_replace(p_q, '\D', '', 'g');
begin
  if v_tenant is null or v_q = '' then return; end if;
  return query
    select c.id from contacts c
    where array[c.tenant_id] = array[v_tenant] and c.display_name ilike '%' || v_q || '%'
    union
    select c.id from contacts c where array[c.tenant_id] = array[v_tenant] and c.display_name % v_q
    union
    select c.id from contacts c where array[c.tenant_id] = array[v_tenant] and v_q <% c.display_name
    union
    select c.id from contacts c where c.tenant_id = v_tenant and c.email = lower(v_q)
    union
    select c.id from contacts c
    where length(v_digits) >= 4 and array[c.tenant_id] = array[v_tenant] and c.phone_digits <> ''
      and c.phone_digits like '%' || v_digits || '%';
end $$;

-- Contacts whose name and email, together, hold every pattern (ILIKE patterns, one per word: see wordPatterns). The
-- longest word is looked up in the index; the others are tested on what it found.
create function contact_ids_with_words(p_patterns text[]) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
  v_key text := (select w from unnest(p_patterns) w order by length(w) desc limit 1);
begin
  if v_tenant is null or v_key is null then return; end if;
  return query
    select c.id from contacts c
    where array[c.tenant_id] = array[v_tenant]
      and contact_filter_words(c.display_name, c.email) ilike v_key
      and contact_filter_words(c.display_name, c.email) ilike all (p_patterns);
end $$;

-- Leads with q anywhere in their fields or notes, or (p_digits, 4 or more) in their phone's digits.
create function lead_ids_matching(p_q text, p_digits text) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
begin
  if v_tenant is null then return; end if;
  return query
    select l.id from leads l
    where array[l.tenant_id] = array[v_tenant]
      and lead_filter_words(l.name, l.email, l.phone, l.address, l.service_interest, l.raw_notes) ilike '%' || p_q || '%'
    union
    select l.id from leads l
    where p_digits is not null and array[l.tenant_id] = array[v_tenant]
      and regexp_replace(coalesce(l.phone, ''), '\D', '', 'g') like '%' || p_digits || '%';
end $$;

-- Services whose name holds q, or has a word like it (word similarity 0.45 or more: typos tolerated).
create function service_ids_matching(p_q text) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan set pg_trgm.word_similarity_threshold = 0.45 as $$
declare
  v_tenant uuid := app_tenant();
begin
  if v_tenant is null then return; end if;
  return query
    select s.id from services s
    where array[s.tenant_id] = array[v_tenant] and s.name ilike '%' || p_q || '%'
    union
    select s.id from services s where array[s.tenant_id] = array[v_tenant] and p_q <% s.name;
end $$;

-- Team members whose name or email holds q.
create function user_ids_matching(p_q text) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
begin
  if v_tenant is null then return; end if;
  return query
    select u.id from users u where array[u.tenant_id] = array[v_tenant] and u.name ilike '%' || p_q || '%'
    union
    select u.id from users u where array[u.tenant_id] = array[v_tenant] and u.email ilike '%' || p_q || '%';
end $$;

-- Invoices whose number holds q.
create function invoice_ids_numbered(p_q text) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
begin
  if v_tenant is null then return; end if;
  return query
    select i.id from invoices i
    where array[i.tenant_id] = array[v_tenant] and i.number ilike '%' || p_q || '%';
end $$;

revoke all on function contact_ids_with_words(text[]), lead_ids_matching(text, text), service_ids_matching(text),
  user_ids_matching(text), invoice_ids_numbered(text) from public;
grant execute on function contact_ids_with_words(text[]), lead_ids_matching(text, text), service_ids_matching(text),
  user_ids_matching(text), invoice_ids_numbered(text) to crm_app;
