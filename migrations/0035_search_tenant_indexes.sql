-- Universal search's trigram indexes lead with the business, so a small business sharing the database with a big one
-- reads only its own entries. 0004 kept the business out of these indexes; a GIN index cannot take a uuid without
-- btree_gin, which the embedded engine cannot load beside pg_trgm (see 0034), so the business goes in as a one-element
-- array (array[tenant_id]), which GIN indexes with its built-in array operators.
--
-- Each trigram lookup names its business only as array[tenant_id]. Named as tenant_id too, it let a plan made once per
-- connection read a big business by the primary key (tenant_id, kind, id) and test every entry: with many businesses in
-- the database, any one of them looks small to such a plan (30k entries read for five names, 100 ms instead of 4 ms).
-- The trigram index is then the only way to the business's entries, and both its keys narrow the read.

drop index search_entries_contact_name, search_entries_contact_terms, search_entries_invoice_terms, search_entries_lead_terms,
  search_entries_digits;
create index search_entries_contact_name on search_entries using gin ((array[tenant_id]), lower(label) gin_trgm_ops) where kind = 'contact';
create index search_entries_contact_terms on search_entries using gin ((array[tenant_id]), terms gin_trgm_ops) where kind = 'contact';
create index search_entries_invoice_terms on search_entries using gin ((array[tenant_id]), terms gin_trgm_ops) where kind = 'invoice';
create index search_entries_lead_terms on search_entries using gin ((array[tenant_id]), terms gin_trgm_ops) where kind = 'lead';
create index search_entries_digits on search_entries using gin ((array[tenant_id]), digits gin_trgm_ops) where digits <> '';

-- As in 0025, with the business named in each trigram lookup.
create or replace function search_question(p_parts jsonb, p_limit int)
returns table (ids uuid[], alone int[], so_far int[])
language plpgsql stable security definer
set search_path = public, pg_temp set enable_seqscan = off set pg_trgm.similarity_threshold = 0.5 as $$
declare
  v_tenant uuid := app_tenant();
  v_tz text;
  v_part jsonb;
  v_set uuid[];
  v_all uuid[];
  v_alone int[] := '{}';
  v_so_far int[] := '{}';
  v_name text;
  v_from timestamptz;
  v_to timestamptz;
  v_tsq tsquery;
begin
  if v_tenant is null then return; end if;
  select t.timezone into v_tz from tenants t where t.id = v_tenant;
  for v_part in select * from jsonb_array_elements(p_parts) loop
    if v_part ? 'place' then
      select coalesce(array_agg(e.id), '{}') into v_set from search_entries e
      where e.tenant_id = v_tenant and e.kind = 'contact' and e.places @> array[v_part->>'place'];
    elsif v_part ? 'words' then
      v_tsq := phraseto_tsquery('english', v_part->>'words');
      select coalesce(array_agg(distinct x.id), '{}') into v_set from (
        select e.id from search_entries e where e.tenant_id = v_tenant and e.kind = 'contact' and e.traits @@ v_tsq
        union all
        select e.parent_id from search_entries e
        where e.tenant_id = v_tenant and e.kind = 'note' and e.parent_kind = 'contact' and e.body @@ v_tsq) x;
    elsif v_part ? 'street' then
      v_tsq := plainto_tsquery('english', v_part->>'street');
      select coalesce(array_agg(e.id), '{}') into v_set from search_entries e
      where e.tenant_id = v_tenant and e.kind = 'contact' and e.body @@ v_tsq;
    elsif v_part ? 'name' then
      v_name := lower(v_part->>'name');
      v_tsq := plainto_tsquery('english', v_part->>'name');
      select coalesce(array_agg(distinct x.id), '{}') into v_set from (
        select e.id from search_entries e where array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and lower(e.label) % v_name
        union all
        select e.id from search_entries e where array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and v_name <% lower(e.label)
        union all
        select e.id from search_entries e where e.tenant_id = v_tenant and e.kind = 'contact' and e.body @@ v_tsq
        union all
        select e.parent_id from search_entries e
        where e.tenant_id = v_tenant and e.kind = 'note' and e.parent_kind = 'contact' and e.body @@ v_tsq) x;
    else
      v_from := case when v_part->>'from' is not null then (v_part->>'from')::date::timestamp at time zone v_tz end;
      v_to := case when v_part->>'to' is not null then ((v_part->>'to')::date + 1)::timestamp at time zone v_tz end;
      if v_part->>'service_id' is not null then
        select coalesce(array_agg(distinct k.contact_id), '{}') into v_set
        from ticket_line_items li join tickets k on k.tenant_id = li.tenant_id and k.id = li.ticket_id
        where li.tenant_id = v_tenant and li.service_id = (v_part->>'service_id')::uuid
          and k.status not in ('cancelled', 'no_show')
          and (v_from is null or k.scheduled_start >= v_from) and (v_to is null or k.scheduled_start < v_to);
      else
        select coalesce(array_agg(distinct k.contact_id), '{}') into v_set from tickets k
        where k.tenant_id = v_tenant and k.status not in ('cancelled', 'no_show')
          and k.scheduled_start >= coalesce(v_from, '-infinity') and k.scheduled_start < coalesce(v_to, 'infinity');
      end if;
    end if;
    v_alone := v_alone || cardinality(v_set);
    v_all := case when v_all is null then v_set
      else coalesce((select array_agg(a) from unnest(v_all) a where a in (select unnest(v_set))), '{}') end;
    v_so_far := v_so_far || cardinality(v_all);
  end loop;
  -- Only contacts with a live entry (not merged away) count.
  select coalesce(array_agg(r.id), '{}') into v_all from (
    select e.id from search_entries e
    where e.tenant_id = v_tenant and e.kind = 'contact' and e.id = any(coalesce(v_all, '{}'))
    order by case when v_name is null then 0 else similarity(v_name, lower(e.label)) end desc, e.status = 'archived', e.at desc
    limit p_limit) r;
  return query select v_all, v_alone, v_so_far;
end $$;

-- As in 0025, with the business named in each trigram lookup.
create or replace function search_hits(p_q text, p_kinds text[], p_limit int, p_city text default null,
  p_postal_code text default null, p_attribute_key text default null, p_attribute_value text default null,
  p_service_id uuid default null, p_received_from date default null, p_received_to date default null)
returns table (kind text, id uuid, score double precision, matched text, ref_id uuid)
language plpgsql stable security definer
-- The planner thinks trigram and text-search tests cost next to nothing, and under LIMIT would rather read the table
-- in order than use an index: every match here must come through an index. The plans do not depend on q, so they are
-- planned once per connection (see the head of this file for why that is safe for every business).
set search_path = public, pg_temp set enable_seqscan = off set plan_cache_mode = force_generic_plan
  set pg_trgm.similarity_threshold = 0.5 as $$
declare
  v_tenant uuid := app_tenant();
  v_q text := lower(trim(p_q));
  -- A hyphen inside a word joins its parts ("two-story" also finds "two story"); elsewhere it still means NOT.
  v_tsq tsquery := websearch_to_tsquery('english', regexp_replace(p_q, '([[:alpha:]])-([[:alpha:]])', '\1 \2', 'g'));
  v_words boolean;
  v_digits text;
  v_ticket text;
  v_invoice text;
  v_filtered boolean := num_nonnulls(p_city, p_postal_code, p_attribute_key, p_service_id, p_received_from, p_received_to) > 0;
  v_cap int := greatest(p_limit * 2, 50);
  -- Words of q that could be part of a name (none when q is an email address or has no letters).
  v_name_words int := case when p_q ~ '@' or p_q !~ '[[:alpha:]]' then 0 else array_length(regexp_split_to_array(trim(p_q), '\s+'), 1) end;
  -- Contacts whose name matches, best first, and how well.
  v_named uuid[] := '{}';
  v_named_score double precision[] := '{}';
  v_from timestamptz;
  v_to timestamptz;
begin
  if v_tenant is null or v_q = '' then return; end if;
  if p_received_from is not null or p_received_to is not null then
    select p_received_from::timestamp at time zone t.timezone, (p_received_to + 1)::timestamp at time zone t.timezone
    into v_from, v_to from tenants t where t.id = v_tenant;
  end if;
  v_words := numnode(v_tsq) > 0;
  -- A phone number or part of one: only phone characters, at least 4 digits.
  if p_q ~ '^[\d\s().+-]+$' and length(regexp_replace(p_q, '\D', '', 'g')) >= 4 then
    v_digits := regexp_replace(p_q, '\D', '', 'g');
  end if;
  if p_q ~ '^\s*#?\d{1,9}\s*$' then
    v_ticket := '#' || (regexp_replace(p_q, '\D', '', 'g'))::int;
  end if;
  -- Invoice numbers: '7' and '0007' mean ...-0007; a fragment with 3+ digits or a dash is looked for as written.
  if p_q ~ '^\s*\d{1,4}\s*$' then
    v_invoice := '-' || lpad(trim(p_q), 4, '0');
  elsif v_q ~ '\d{3}' or v_q ~ '^[a-z0-9]+-[0-9-]*$' then
    v_invoice := v_q;
  end if;

  -- Names: one word is looked for as a word of the name (prefixes and typos too), several by the whole name's similarity.
  if v_name_words > 0 and p_kinds && array['contact', 'ticket', 'invoice'] then
    select coalesce(array_agg(n.id order by n.score desc), '{}'), coalesce(array_agg(n.score order by n.score desc), '{}')
    into v_named, v_named_score
    from (
      (select e.id, 0.5 + 0.4 * word_similarity(v_q, lower(e.label)) + 0.1 * similarity(v_q, lower(e.label)) as score
       from search_entries e
       where v_name_words = 1 and array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and v_q <% lower(e.label) order by 2 desc limit v_cap)
      union all
      (select e.id, 0.5 + 0.4 * word_similarity(v_q, lower(e.label)) + 0.1 * similarity(v_q, lower(e.label))
       from search_entries e
       where v_name_words > 1 and array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and lower(e.label) % v_q order by 2 desc limit v_cap)
    ) n;
  end if;

  if 'contact' = any(p_kinds) then
    return query
    with strong as (
      (select e.id, 'name'::text as how, null::uuid as ref, e.at, n.score * case when e.status = 'archived' then 0.8 else 1 end as score
       from unnest(v_named, v_named_score) n (id, score)
       join search_entries e on e.tenant_id = v_tenant and e.kind = 'contact' and e.id = n.id
       where not v_filtered)
      union all
      -- With filters, names are looked up again among the contacts that pass them, so the filters do not starve the cap.
      (select e.id, 'name', null, e.at,
         (0.5 + 0.4 * word_similarity(v_q, lower(e.label)) + 0.1 * similarity(v_q, lower(e.label))) * case when e.status = 'archived' then 0.8 else 1 end
       from search_entries e
       where v_filtered and v_name_words = 1 and array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and v_q <% lower(e.label)
         and search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to)
       order by 5 desc limit v_cap)
      union all
      (select e.id, 'name', null, e.at,
         (0.5 + 0.4 * word_similarity(v_q, lower(e.label)) + 0.1 * similarity(v_q, lower(e.label))) * case when e.status = 'archived' then 0.8 else 1 end
       from search_entries e
       where v_filtered and v_name_words > 1 and array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and lower(e.label) % v_q
         and search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to)
       order by 5 desc limit v_cap)
      union all
      (select e.id, 'phone', null, e.at, 0.9 * case when e.status = 'archived' then 0.8 else 1 end
       from search_entries e
       where v_digits is not null and array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and e.digits <> '' and e.digits like '%' || v_digits || '%'
         and (not v_filtered or search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to))
       limit v_cap)
      union all
      (select e.id, 'words', null, e.at, (0.6 + least(ts_rank(e.body, v_tsq), 0.2)) * case when e.status = 'archived' then 0.8 else 1 end
       from search_entries e
       where v_words and e.tenant_id = v_tenant and e.kind = 'contact' and e.body @@ v_tsq
         and (not v_filtered or search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to))
       limit v_cap)
    ), notes as (
      select e.parent_id as id, 'note'::text as how, e.id as ref, e.at, 0.45 + least(ts_rank(e.body, v_tsq), 0.2) as score
      from search_entries e
      where (select count(*) from strong) < p_limit
        and v_words and e.tenant_id = v_tenant and e.kind = 'note' and e.parent_kind = 'contact' and e.body @@ v_tsq
        and (not v_filtered or search_contact_passes(v_tenant, e.parent_id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to))
      limit v_cap
    ), fuzzy as (
      -- Typos anywhere else (street, city, email, attribute), looked for only when nothing else matched.
      select e.id, 'fuzzy'::text as how, null::uuid as ref, e.at,
        0.5 * word_similarity(v_q, e.terms) * case when e.status = 'archived' then 0.8 else 1 end as score
      from search_entries e
      where (select count(*) from strong) + (select count(*) from notes) = 0
        and array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and v_q <% e.terms
        and (not v_filtered or search_contact_passes(v_tenant, e.id, p_city, p_postal_code, p_attribute_key, p_attribute_value, p_service_id, v_from, v_to))
      limit v_cap
    )
    select 'contact'::text, c.id, max(c.score)::double precision, (array_agg(c.how order by c.score desc))[1], (array_agg(c.ref order by c.score desc))[1]
    from (select * from strong union all select * from notes union all select * from fuzzy) c
    group by c.id order by 3 desc, max(c.at) desc, 2 limit p_limit;
  end if;

  if 'ticket' = any(p_kinds) then
    return query
    with strong as (
      (select e.id, 'number'::text as how, null::uuid as ref, e.at, 1.0::double precision as score
       from search_entries e
       where v_ticket is not null and e.tenant_id = v_tenant and e.kind = 'ticket' and lower(e.label) = v_ticket)
      union all
      (select e.id, 'name', null, e.at, 0.9 * n.score
       from unnest(v_named, v_named_score) n (id, score)
       join search_entries e on e.tenant_id = v_tenant and e.kind = 'ticket' and e.parent_id = n.id
       limit v_cap)
    ), notes as (
      select e.parent_id as id, 'note'::text as how, e.id as ref, e.at, 0.45 + least(ts_rank(e.body, v_tsq), 0.2) as score
      from search_entries e
      where (select count(*) from strong) < p_limit
        and v_words and e.tenant_id = v_tenant and e.kind = 'note' and e.parent_kind = 'ticket' and e.body @@ v_tsq
      limit v_cap
    )
    select 'ticket'::text, c.id, max(c.score)::double precision, (array_agg(c.how order by c.score desc))[1], (array_agg(c.ref order by c.score desc))[1]
    from (select * from strong union all select * from notes) c
    group by c.id order by 3 desc, max(c.at) desc, 2 limit p_limit;
  end if;

  if 'invoice' = any(p_kinds) then
    return query
    with strong as (
      (select e.id, 'number'::text as how, e.at, 1.0::double precision as score
       from search_entries e
       where e.tenant_id = v_tenant and e.kind = 'invoice' and lower(e.label) = v_q)
      union all
      (select e.id, 'number_part', e.at, case when e.terms like '%' || v_invoice then 0.9 else 0.8 end
       from search_entries e
       where v_invoice is not null and array[e.tenant_id] = array[v_tenant] and e.kind = 'invoice' and e.terms like '%' || v_invoice || '%'
       limit v_cap)
      union all
      (select e.id, 'name', e.at, 0.9 * n.score
       from unnest(v_named, v_named_score) n (id, score)
       join search_entries e on e.tenant_id = v_tenant and e.kind = 'invoice' and e.parent_id = n.id
       limit v_cap)
    )
    select 'invoice'::text, c.id, max(c.score)::double precision, (array_agg(c.how order by c.score desc))[1], null::uuid
    from strong c
    group by c.id order by 3 desc, max(c.at) desc, 2 limit p_limit;
  end if;

  if 'lead' = any(p_kinds) then
    return query
    with strong as (
      (select e.id, 'phone'::text as how, null::uuid as ref, e.at, 0.9::double precision as score
       from search_entries e
       where v_digits is not null and array[e.tenant_id] = array[v_tenant] and e.kind = 'lead' and e.digits <> '' and e.digits like '%' || v_digits || '%'
       limit v_cap)
      union all
      (select e.id, 'words', null, e.at, 0.6 + least(ts_rank(e.body, v_tsq), 0.2)
       from search_entries e
       where v_words and e.tenant_id = v_tenant and e.kind = 'lead' and e.body @@ v_tsq
       limit v_cap)
    ), notes as (
      select e.parent_id as id, 'note'::text as how, e.id as ref, e.at, 0.45 + least(ts_rank(e.body, v_tsq), 0.2) as score
      from search_entries e
      where (select count(*) from strong) < p_limit
        and v_words and e.tenant_id = v_tenant and e.kind = 'note' and e.parent_kind = 'lead' and e.body @@ v_tsq
      limit v_cap
    ), fuzzy as (
      select e.id, 'fuzzy'::text as how, null::uuid as ref, e.at, 0.5 + 0.4 * word_similarity(v_q, e.terms) as score
      from search_entries e
      where (select count(*) from strong) + (select count(*) from notes) = 0
        and array[e.tenant_id] = array[v_tenant] and e.kind = 'lead' and v_q <% e.terms
      limit v_cap
    )
    select 'lead'::text, c.id, max(c.score)::double precision, (array_agg(c.how order by c.score desc))[1], (array_agg(c.ref order by c.score desc))[1]
    from (select * from strong union all select * from notes union all select * from fuzzy) c
    group by c.id order by 3 desc, max(c.at) desc, 2 limit p_limit;
  end if;
end $$;
