-- Questions answered from indexes, and the closest customers when not every part holds.
--
-- A contact's entry now keeps `about`: its attribute words, its places ('city:huntsville', 'zip:35801', as in places)
-- and the words of its notes, so each part of a question is a condition on the contact's own entry and "elderly with a
-- dog in Huntsville" is one read of one index, instead of every elderly customer's notes read and intersected in turn
-- (40k entries for "elderly" at 100k customers). `about` is kept by triggers on the entries themselves: a contact's entry
-- gathers it when written, and a change to a note's entry rewrites its contact's.
--
-- A question not every part of which holds for anyone ("elderly woman in Owens Cross Roads" when no note says woman)
-- is answered with the closest customers: those satisfying every part first, then, to fill the page, those satisfying
-- the most parts. Each comes with the parts it satisfies (held: bit k set for part k), so the answer can say which
-- held and which did not.

create aggregate search_tsvector_agg(tsvector) (sfunc = tsvector_concat, stype = tsvector, initcond = '');

alter table search_entries add column about tsvector not null default ''::tsvector;
create index search_entries_contact_about on search_entries using gin (about) where kind = 'contact';
create index search_entries_contact_notes on search_entries (tenant_id, parent_id) where kind = 'note' and parent_kind = 'contact';

-- A contact's entry, as it is written: about is its attribute words, its places and its notes' words.
create function search_contact_about() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  new.about := new.traits || array_to_tsvector(new.places) || coalesce((select search_tsvector_agg(n.body) from search_entries n
    where n.tenant_id = new.tenant_id and n.kind = 'note' and n.parent_kind = 'contact' and n.parent_id = new.id), ''::tsvector);
  return new;
end $$;
create trigger search_contact_about before insert or update on search_entries
  for each row when (new.kind = 'contact') execute function search_contact_about();

-- A note's entry written or removed: its contact's entry is written again, which gathers about anew.
create function search_note_entries_changed() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  -- Each transition table is named only inside the branch of the operations that have it (a statement naming one that
  -- is absent fails even where it would not run). Contacts' own entries rewritten here come back with no note rows.
  if tg_op in ('INSERT', 'UPDATE') then
    if exists (select 1 from new_rows r where r.kind = 'note' and r.parent_kind = 'contact') then
      update search_entries e set about = ''::tsvector where e.kind = 'contact'
        and (e.tenant_id, e.id) in (select r.tenant_id, r.parent_id from new_rows r where r.kind = 'note' and r.parent_kind = 'contact');
    end if;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    if exists (select 1 from old_rows r where r.kind = 'note' and r.parent_kind = 'contact') then
      update search_entries e set about = ''::tsvector where e.kind = 'contact'
        and (e.tenant_id, e.id) in (select r.tenant_id, r.parent_id from old_rows r where r.kind = 'note' and r.parent_kind = 'contact');
    end if;
  end if;
  return null;
end $$;
create trigger search_note_entries_inserted after insert on search_entries referencing new table as new_rows
  for each statement execute function search_note_entries_changed();
create trigger search_note_entries_updated after update on search_entries referencing old table as old_rows new table as new_rows
  for each statement execute function search_note_entries_changed();
create trigger search_note_entries_deleted after delete on search_entries referencing old table as old_rows
  for each statement execute function search_note_entries_changed();
revoke execute on function search_contact_about(), search_note_entries_changed() from public;

-- Every contact's about, from what it already has, and the planner told how common its words are.
update search_entries set about = ''::tsvector where kind = 'contact';
-- Rewriting every contact's entry queued it in each text index's pending list, which every search would otherwise read
-- through until the next vacuum.
select gin_clean_pending_list(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
where i.indrelid = 'search_entries'::regclass and a.amname = 'gin';
analyze search_entries;

-- The contacts of the transaction's tenant that satisfy a read question, and counts saying how far its parts got. A
-- part is one of:
--   {"place": "city:owens cross roads" | "zip:35763"}   an active address there
--   {"words": "elderly"}                                those words in an attribute (key or value) or a note of the contact
--   {"street": "oak"}                                   an address, email or other contact words
--   {"name": "jane smith"}                              a name like it, or those words anywhere in the contact or its notes
--   {"service_id": uuid|null, "from": date|null, "to": date|null}   a completed or booked (not cancelled) ticket with
--                                                       that service and/or starting between the dates, inclusive,
--                                                       in the business's time zone
-- Results: ids, those satisfying every part first (by name likeness when a name was asked; at most p_limit), then, when fewer do, the closest (most parts held first); held, each one's parts as bits;
-- and when none satisfies every part, alone (how many satisfy each part alone) and so_far (the parts up to each,
-- together), each counted up to 101; else so_far is only how many satisfy every part, counted up to 101.
drop function search_question(jsonb, int);
create function search_question(p_parts jsonb, p_limit int)
returns table (ids uuid[], held int[], alone int[], so_far int[])
language plpgsql stable security definer
set search_path = public, pg_temp set enable_seqscan = off set pg_trgm.similarity_threshold = 0.5 as $$
declare
  v_tenant uuid := app_tenant();
  v_tz text;
  v_part jsonb;
  v_conds text[] := '{}';
  v_k int;
  v_name text;
  v_from timestamptz;
  v_to timestamptz;
  v_visits uuid[];
  v_named uuid[];
  v_base text := 'from search_entries e where e.tenant_id = $1 and e.kind = ''contact''';
  v_order text;
  v_mask text;
  v_ids uuid[];
  v_held int[];
  v_alone int[] := '{}';
  v_so_far int[] := '{}';
  v_n int;
  v_need int;
  v_found uuid[] := '{}';
  v_found_held int[] := '{}';
  v_more uuid[];
  v_more_held int[];
begin
  if v_tenant is null then return; end if;
  select t.timezone into v_tz from tenants t where t.id = v_tenant;
  for v_part in select * from jsonb_array_elements(p_parts) loop
    if v_part ? 'place' then
      v_conds := v_conds || format('e.about @@ %L::tsquery', quote_literal(v_part->>'place'));
    elsif v_part ? 'words' then
      v_conds := v_conds || format('e.about @@ phraseto_tsquery(''english'', %L)', v_part->>'words');
    elsif v_part ? 'street' then
      v_conds := v_conds || format('e.body @@ plainto_tsquery(''english'', %L)', v_part->>'street');
    elsif v_part ? 'name' then
      v_name := lower(v_part->>'name');
      -- Names like it are looked up on their own, through the trigram index as 0035 names the business: tested beside the
      -- other parts, the likeness was worked out for every contact of a town.
      select coalesce(array_agg(x.id), '{}') into v_named from (
        select e.id from search_entries e where array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and lower(e.label) % v_name
        union
        select e.id from search_entries e where array[e.tenant_id] = array[v_tenant] and e.kind = 'contact' and v_name <% lower(e.label)) x;
      v_conds := v_conds || format('(e.id = any($4) or e.body @@ plainto_tsquery(''english'', %1$L) or e.about @@ plainto_tsquery(''english'', %1$L))',
        v_name);
    else
      v_from := case when v_part->>'from' is not null then (v_part->>'from')::date::timestamp at time zone v_tz end;
      v_to := case when v_part->>'to' is not null then ((v_part->>'to')::date + 1)::timestamp at time zone v_tz end;
      if v_part->>'service_id' is not null then
        select coalesce(array_agg(distinct k.contact_id), '{}') into v_visits
        from ticket_line_items li join tickets k on k.tenant_id = li.tenant_id and k.id = li.ticket_id
        where li.tenant_id = v_tenant and li.service_id = (v_part->>'service_id')::uuid
          and k.status not in ('cancelled', 'no_show')
          and (v_from is null or k.scheduled_start >= v_from) and (v_to is null or k.scheduled_start < v_to);
      else
        select coalesce(array_agg(distinct k.contact_id), '{}') into v_visits from tickets k
        where k.tenant_id = v_tenant and k.status not in ('cancelled', 'no_show')
          and k.scheduled_start >= coalesce(v_from, '-infinity') and k.scheduled_start < coalesce(v_to, 'infinity');
      end if;
      v_conds := v_conds || 'e.id = any($2)'::text;
    end if;
  end loop;
  v_k := cardinality(v_conds);
  if v_k = 0 then
    return query select '{}'::uuid[], '{}'::int[], '{}'::int[], '{}'::int[];
    return;
  end if;
  -- Ordered only by name likeness: any other order would read every contact satisfying the parts, thousands in a town.
  v_order := case when v_name is null then '(select 0)' else format('similarity(%L, lower(e.label)) desc', v_name) end;
  v_mask := (select string_agg(format('(case when %s then %s else 0 end)', c, 1 << (i - 1)::int), ' + ')
    from unnest(v_conds) with ordinality u (c, i));

  -- Those satisfying every part: one read, the indexes of the parts combined. With a name, those named like it come
  -- first, most like it first; then those with its words elsewhere (notes, email), in no order, as without a name.
  v_ids := '{}';
  if v_name is not null then
    execute format('select coalesce(array_agg(x.id order by x.rank), ''{}'') from (select e.id, row_number() over (order by %s) as rank'
      ' %s and e.id = any($4) and %s) x where x.rank <= $3', v_order, v_base, array_to_string(v_conds, ' and '))
    into v_ids using v_tenant, v_visits, p_limit, v_named;
  end if;
  if cardinality(v_ids) < p_limit then
    execute format('select coalesce(array_agg(x.id), ''{}'') from (select e.id %s and %s and e.id <> all($5) limit $3) x',
      v_base, array_to_string(v_conds, ' and '))
    into v_more using v_tenant, v_visits, p_limit - cardinality(v_ids), v_named, v_ids;
    v_ids := v_ids || v_more;
  end if;
  v_held := array_fill((1 << v_k) - 1, array[cardinality(v_ids)]);
  if cardinality(v_ids) = p_limit then
    execute format('select count(*) from (select 1 %s and %s limit 101) c', v_base, array_to_string(v_conds, ' and '))
    into v_n using v_tenant, v_visits, null::int, v_named;
    return query select v_ids, v_held, '{}'::int[], array[v_n];
    return;
  end if;
  if cardinality(v_ids) > 0 then
    v_so_far := array[cardinality(v_ids)];
  else
    -- None: how many each part lets through alone, and the parts so far together, to say which part left none.
    for i in 1 .. v_k loop
      execute format('select count(*) from (select 1 %s and %s limit 101) c', v_base, v_conds[i])
      into v_n using v_tenant, v_visits, null::int, v_named;
      v_alone := v_alone || v_n;
      if i = 1 then
        v_so_far := v_so_far || v_n;
      elsif v_so_far[i - 1] = 0 then
        v_so_far := v_so_far || 0;
      else
        execute format('select count(*) from (select 1 %s and %s limit 101) c', v_base, array_to_string(v_conds[1:i], ' and '))
        into v_n using v_tenant, v_visits, null::int, v_named;
        v_so_far := v_so_far || v_n;
      end if;
    end loop;
  end if;

  -- The closest: by how many parts hold, most first. For each number of parts, from all but one down to one, each
  -- combination of that many parts is one indexed read of a few contacts; once enough are found, the rest is not read.
  if v_k >= 2 then
    v_need := p_limit - cardinality(v_ids);
    for v_level in reverse v_k - 1 .. 1 loop
      for v_subset in 1 .. (1 << v_k) - 1 loop
        continue when (select count(*) from generate_series(0, v_k - 1) b where v_subset & (1 << b) <> 0) <> v_level;
        execute format('select coalesce(array_agg(x.id), ''{}''), coalesce(array_agg(x.mask), ''{}'') from (select e.id, %s as mask %s and %s'
          ' and e.id <> all($5) limit $3) x',
          v_mask, v_base, (select string_agg(v_conds[b + 1], ' and ') from generate_series(0, v_k - 1) b where v_subset & (1 << b) <> 0))
        into v_more, v_more_held using v_tenant, v_visits, v_need, v_named, v_ids || v_found;
        v_found := v_found || v_more;
        v_found_held := v_found_held || v_more_held;
      end loop;
      exit when cardinality(v_found) >= v_need;
    end loop;
    if cardinality(v_found) > 0 then
      execute format('select coalesce(array_agg(x.id order by x.rank), ''{}''), coalesce(array_agg(x.mask order by x.rank), ''{}'') from ('
        'select e.id, f.mask, row_number() over (order by (select count(*) from generate_series(0, 30) b where f.mask & (1 << b) <> 0) desc, %s) as rank'
        ' from unnest($5::uuid[], $6::int[]) f (id, mask) join search_entries e on e.tenant_id = $1 and e.kind = ''contact'' and e.id = f.id) x'
        ' where x.rank <= $3', v_order)
      into v_more, v_more_held using v_tenant, v_visits, v_need, v_named, v_found, v_found_held;
      v_ids := v_ids || v_more;
      v_held := v_held || v_more_held;
    end if;
  end if;
  return query select v_ids, v_held, v_alone, v_so_far;
end $$;
revoke all on function search_question(jsonb, int) from public;
grant execute on function search_question(jsonb, int) to crm_app;
