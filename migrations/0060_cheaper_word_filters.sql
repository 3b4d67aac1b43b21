-- Word filters at 100k customers: the typo-tolerant part of contacts?q= (trigram similarity) read hundreds of near names
-- for a name that was found as typed, and cost most of the time; the "by customer" filters looked up one word in the
-- index and tested the rest row by row; a part of an invoice number ("2027-0037") shares its trigrams with every
-- number of the year. Each now takes the narrow path first.

-- Contacts with q in the name, the email, or (4 or more digits) the phone; only when none is found, names like q
-- (typos tolerated).
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
    select c.id from contacts c where c.tenant_id = v_tenant and c.email = lower(v_q)
    union
    select c.id from contacts c
    where length(v_digits) >= 4 and array[c.tenant_id] = array[v_tenant] and c.phone_digits <> ''
      and c.phone_digits like '%' || v_digits || '%';
  if found then return; end if;
  return query
    select c.id from contacts c where array[c.tenant_id] = array[v_tenant] and c.display_name % v_q
    union
    select c.id from contacts c where array[c.tenant_id] = array[v_tenant] and v_q <% c.display_name;
end $$;

-- Contacts whose name and email, together, hold every pattern: every pattern is a condition on the index, so the index
-- returns only the rows holding them all. The patterns go in as literals so each statement is planned for its words.
create or replace function contact_ids_with_words(p_patterns text[]) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
  v_all text;
begin
  if v_tenant is null or coalesce(cardinality(p_patterns), 0) = 0 then return; end if;
  select string_agg(format('contact_filter_words(c.display_name, c.email) ilike %L', w), ' and ') into v_all
  from (select distinct w from unnest(p_patterns) w where w is not null) words;
  if v_all is null then return; end if;
  return query execute format('select c.id from contacts c where array[c.tenant_id] = array[%L::uuid] and %s', v_tenant, v_all);
end $$;

-- Invoice numbers by their end ("0037", "2027-0037") and by their start ("INV-2027") through two btree indexes; any
-- other part of a number through the trigram index, as before.
create index invoices_number_end on invoices (tenant_id, reverse(lower(number)) text_pattern_ops);
create index invoices_number_start on invoices (tenant_id, lower(number) text_pattern_ops);

create or replace function invoice_ids_numbered(p_q text) returns setof uuid
language plpgsql stable security definer rows 50
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_custom_plan as $$
declare
  v_tenant uuid := app_tenant();
  v_q text := lower(trim(p_q));
  v_end text;
  v_start text;
begin
  if v_tenant is null or v_q = '' then return; end if;
  v_end := replace(replace(replace(reverse(v_q), '\', '\\'), '%', '\%'), '_', '\_') || '%';
  v_start := replace(replace(replace(v_q, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  return query
    select i.id from invoices i where i.tenant_id = v_tenant and reverse(lower(i.number)) like v_end
    union
    select i.id from invoices i where i.tenant_id = v_tenant and lower(i.number) like v_start;
  if found then return; end if;
  return query
    select i.id from invoices i
    where array[i.tenant_id] = array[v_tenant] and i.number ilike '%' || p_q || '%';
end $$;
