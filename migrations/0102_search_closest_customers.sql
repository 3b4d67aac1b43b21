-- A question not every part of which holds for anyone ("elderly woman in Owens Cross Roads" when no note says woman)
-- is answered with the closest customers: those satisfying every part first, then, to fill the page, those satisfying
-- the most parts, the rarer parts counting first among equals. Each answered contact comes with the parts it satisfies
-- (held: bit k set for part k), so the answer can say which held and which did not.
--
-- The parts are looked up as in 0035; the sets they give are kept (contact, part) so one grouping ranks the rest.

drop function search_question(jsonb, int);
create function search_question(p_parts jsonb, p_limit int)
returns table (ids uuid[], held int[], alone int[], so_far int[])
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
  -- Every (contact, part) that holds, with the part's bit and its rarity (one over the contacts it lets through).
  v_pair_ids uuid[] := '{}';
  v_pair_bits int[] := '{}';
  v_pair_rarity float8[] := '{}';
  v_k int := 0;
  v_held int[];
  v_near uuid[];
  v_near_held int[];
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
    v_pair_ids := v_pair_ids || v_set;
    v_pair_bits := v_pair_bits || array_fill(1 << v_k, array[cardinality(v_set)]);
    v_pair_rarity := v_pair_rarity || array_fill(1.0::float8 / greatest(cardinality(v_set), 1), array[cardinality(v_set)]);
    v_k := v_k + 1;
  end loop;
  -- Only contacts with a live entry (not merged away) count.
  select coalesce(array_agg(r.id), '{}') into v_all from (
    select e.id from search_entries e
    where e.tenant_id = v_tenant and e.kind = 'contact' and e.id = any(coalesce(v_all, '{}'))
    order by case when v_name is null then 0 else similarity(v_name, lower(e.label)) end desc, e.status = 'archived', e.at desc
    limit p_limit) r;
  v_held := array_fill((1 << v_k) - 1, array[cardinality(v_all)]);
  -- The page filled with the closest: most parts held, then the rarest. Ranked over the pairs alone; only the few
  -- ranked first are checked for a live entry (a little more than needed, for merged ones).
  if v_k >= 2 and cardinality(v_all) < p_limit then
    select coalesce(array_agg(r.id order by r.n desc, r.rarity desc, r.id), '{}'),
      coalesce(array_agg(r.mask order by r.n desc, r.rarity desc, r.id), '{}')
    into v_near, v_near_held
    from (
      select h.id, h.n, h.rarity, h.mask from (
        select p.id, count(*) as n, sum(p.rarity) as rarity, bit_or(p.bit) as mask
        from unnest(v_pair_ids, v_pair_bits, v_pair_rarity) p (id, bit, rarity)
        group by p.id having count(*) < v_k
        order by 2 desc, 3 desc, 1 limit 2 * (p_limit - cardinality(v_all)) + 5) h
      where exists (select 1 from search_entries e where e.tenant_id = v_tenant and e.kind = 'contact' and e.id = h.id)
      order by h.n desc, h.rarity desc, h.id limit p_limit - cardinality(v_all)) r;
    v_all := v_all || v_near;
    v_held := v_held || v_near_held;
  end if;
  return query select v_all, v_held, v_alone, v_so_far;
end $$;
revoke all on function search_question(jsonb, int) from public;
grant execute on function search_question(jsonb, int) to crm_app;
