-- The whole current definition of search_hits(), universal search, applied again whenever this file changes
-- (docs/operations.md). Last redefined by 0068_search_names_as_typed_first.sql: names found as typed are not also looked
-- up as near names; the trigram lookups name their business as array[tenant_id] (0035_search_tenant_indexes.sql).

create or replace function search_hits(p_q text, p_kinds text[], p_limit int, p_city text default null,
  p_postal_code text default null, p_attribute_key text default null, p_attribute_value text default null,
  p_service_id uuid default null, p_received_from date default null, p_received_to date default null)
returns table (kind text, id uuid, score double precision, matched text, ref_id uuid)
language plpgsql stable security definer
-- The planner thinks trigram and text-search tests cost next to nothing, and under LIMIT would rather read the table
-- in order than use an index: every match here must come through an index. The plans do not depend on q, so they are
-- planned once per connection (see the head of 0035_search_tenant_indexes.sql for why that is safe for every business).
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
  -- Each word of q as a LIKE pattern, longest first (at most three; a shorter word has no trigram to look it up by).
  v_patterns text[] := case when p_q !~ '@' then array(
    select '%' || replace(replace(replace(w, '\', '\\'), '%', '\%'), '_', '\_') || '%'
    from unnest(regexp_split_to_array(lower(trim(p_q)), '\s+')) w order by length(w) desc limit 3) end;
  v_whole boolean := false;
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

  -- Names: first those holding every word of q as typed, which the trigram index narrows to a few entries. Only when
  -- none holds them as whole words ("Jon" in "Jon Snow", not only in "Jonathan") are near names looked for (typos):
  -- one word as a word of the name, several by the whole name's similarity. The near-name lookup tests every entry
  -- sharing trigrams with q, a thousand or more in a large business, so a name found as typed no longer pays for it.
  if v_name_words > 0 and p_kinds && array['contact', 'ticket', 'invoice'] then
    -- Three letters alone ("Pat") are in thousands of names: those go straight to the near-name lookup.
    if (v_name_words between 2 and 3 and length(v_patterns[cardinality(v_patterns)]) >= 5)
       or (v_name_words = 1 and length(v_patterns[1]) >= 6) then
      select coalesce(array_agg(n.id order by n.score desc), '{}'), coalesce(array_agg(n.score order by n.score desc), '{}'),
        coalesce(max(n.whole), 0) = 1
      into v_named, v_named_score, v_whole
      from (
        select e.id, 0.5 + 0.4 * word_similarity(v_q, lower(e.label)) + 0.1 * similarity(v_q, lower(e.label)) as score,
          word_similarity(v_q, lower(e.label)) as whole
        from search_entries e
        where array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and lower(e.label) like v_patterns[1]
          and lower(e.label) like coalesce(v_patterns[2], v_patterns[1]) and lower(e.label) like coalesce(v_patterns[3], v_patterns[1])
        order by 2 desc limit v_cap
      ) n;
    end if;
    if not v_whole then
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
revoke all on function search_hits(text, text[], int, text, text, text, text, uuid, date, date) from public;
grant execute on function search_hits(text, text[], int, text, text, text, text, uuid, date, date) to crm_app;
