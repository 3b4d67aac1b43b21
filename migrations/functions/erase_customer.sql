-- The whole current definition of erase_customer(), applied again whenever this file changes (docs/operations.md).
-- It was last redefined by 0083_personal_data_declarations.sql, which also made the personal_* helpers it calls.

-- Erases the customer of the given erasure (a row of the transaction's business, for a customer not yet erased), with
-- the contacts merged into them, as the declarations say: returns how many rows of each table changed, and as
-- document_hashes the stored contents no row names any more, which the caller removes from the store. Search entries
-- follow through their triggers. Values are matched in any case: every personal value rewrites the customer's own
-- records' audit entries; the values that name them rewrite any audit entry of the business.
create or replace function erase_customer(p_erasure uuid, p_now timestamptz) returns jsonb
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  v_tenant uuid := app_tenant();
  v_contact uuid;
  v_tables jsonb;
  v_reach jsonb;
  v_held jsonb;
  own uuid[];
  personal text[];
  idents text[];
  vals text[];
  named text[];
  held text[];
  found text[];
  hashes text[] := '{}';
  counts jsonb := '{}';
  changed int;
  d jsonb;
  sets text;
  same text;
begin
  select e.contact_id into v_contact from erasures e where e.tenant_id = v_tenant and e.id = p_erasure;
  if v_contact is null then
    raise exception 'no erasure % in this business', p_erasure using errcode = 'P0002';
  end if;
  if exists (select 1 from contacts c where c.tenant_id = v_tenant and c.id = v_contact and c.erased_at is not null) then
    raise exception 'contact % is already erased', v_contact using errcode = 'CR001';
  end if;
  select p.tables into v_tables from personal_data p;
  if v_tables is null then
    raise exception 'the declarations of personal data were never written (the app writes them when it starts)';
  end if;
  perform set_config('app.erasure_id', p_erasure::text, true);

  v_reach := personal_data_reach(v_contact);
  -- The customer's own records are their rows that hold some personal column; the names their personal data has in audit entries.
  own := array(select x::uuid from jsonb_array_elements(v_tables) t (d), jsonb_array_elements_text(v_reach -> (t.d ->> 'table')) x
    where jsonb_array_length(t.d -> 'columns') > 0);
  personal := array(select distinct f from jsonb_array_elements(v_tables) t (d), lateral (
      select c ->> 'column' from jsonb_array_elements(t.d -> 'columns') c
      union all select jsonb_array_elements_text(c -> 'shown_as') from jsonb_array_elements(t.d -> 'columns') c
      union all select t.d ->> 'shown_as') n (f)
    where jsonb_array_length(t.d -> 'reach') > 0 and f is not null);
  idents := array(select v from unnest(personal_values(v_tables, v_reach, 'names')) v where length(trim(v)) >= 4 and v <> '[erased]');
  vals := idents || array(select v from unnest(personal_values(v_tables, v_reach, 'sought')) v where length(trim(v)) >= 3 and v <> '[erased]');
  named := idents || personal_ids(v_reach, 'contacts')::text[];
  -- The values rows may hold to reach the customer (the addresses in their emails), before anything changes.
  select coalesce(jsonb_object_agg(x ->> 'table', to_jsonb(personal_held(v_tables, x, v_reach))), '{}') into v_held
    from jsonb_array_elements(v_tables) x where jsonb_typeof(x -> 'holds') = 'object';

  -- The audit first, while every value is still known; then the records themselves. The customer's own records' entries
  -- lose every personal field whatever it held then (a value since corrected is no longer in the records).
  update audit_log a set changes = case when a.entity_id = any(own) then erased_json(erased_fields(a.changes, personal), vals)
        else erased_json(a.changes, idents) end,
      reasoning = erased_text(a.reasoning, case when a.entity_id = any(own) then vals else idents end)
    where a.tenant_id = v_tenant
      and (a.entity_id = any(own) or exists (select 1 from unnest(idents) v
        where position(lower(v) in lower(a.changes::text || ' ' || coalesce(a.reasoning, ''))) > 0))
      and (a.changes is distinct from (case when a.entity_id = any(own) then erased_json(erased_fields(a.changes, personal), vals)
          else erased_json(a.changes, idents) end)
        or a.reasoning is distinct from erased_text(a.reasoning, case when a.entity_id = any(own) then vals else idents end));
  get diagnostics changed = row_count; counts := counts || jsonb_build_object('audit_log', changed);

  -- The contents of the files about to go, while their rows still name them.
  for d in select x from jsonb_array_elements(v_tables) x where x ->> 'files' is not null loop
    execute format('select array(select distinct t.%I from %I t where t.tenant_id = $1 and (%s))', d ->> 'files', d ->> 'table', personal_where_sql(d))
      into found using v_tenant, v_reach;
    hashes := hashes || found;
  end loop;

  -- Rows that stay, parents first: their personal columns erased and their state changed, in one statement per table.
  for d in select x from jsonb_array_elements(v_tables) with ordinality a (x, n) where not (x ->> 'delete')::boolean order by n loop
    select string_agg(format('%I = %s', c ->> 'column', personal_erased_sql(d, c)), ', ') into sets from jsonb_array_elements(d -> 'columns') c;
    select concat_ws(', ', sets, string_agg(format('%I = %s', s ->> 'column', personal_state_sql(ch, s)), ', ')) into sets
      from jsonb_array_elements(d -> 'changes') ch, jsonb_array_elements(ch -> 'set') s;
    continue when sets = '';
    same := '';
    if (d ->> 'only_changed')::boolean then
      select format(' and row(%s) is distinct from row(%s)', string_agg(format('t.%I', c ->> 'column'), ', '),
          string_agg(personal_erased_sql(d, c), ', ')) into same from jsonb_array_elements(d -> 'columns') c;
    end if;
    held := array(select jsonb_array_elements_text(v_held -> (d ->> 'table')));
    execute format('with done as (update %I t set %s where t.tenant_id = $1 and (%s)%s returning 1) select count(*)::int from done',
        d ->> 'table', sets, personal_where_sql(d), same)
      into changed using v_tenant, v_reach, vals, p_now, named, held;
    counts := counts || jsonb_build_object(d ->> 'table', changed);
  end loop;

  -- Rows that go, children first; a count kept on another table goes down with them.
  for d in select x from jsonb_array_elements(v_tables) with ordinality a (x, n) where (x ->> 'delete')::boolean order by n desc loop
    held := array(select jsonb_array_elements_text(v_held -> (d ->> 'table')));
    execute format('with gone as (delete from %I t where t.tenant_id = $1 and (%s) returning %s)%s select count(*)::int from gone',
        d ->> 'table', personal_where_sql(d), case when jsonb_typeof(d -> 'counter') = 'object' then format('t.%I as k', d #>> '{counter,key}') else '1' end,
        case when jsonb_typeof(d -> 'counter') = 'object' then format(', recounted as (update %I p set %I = greatest(p.%I - n.removed, 0)
          from (select g.k, count(*)::int as removed from gone g group by g.k) n where p.tenant_id = $1 and p.id = n.k returning 1)',
          d #>> '{counter,table}', d #>> '{counter,column}', d #>> '{counter,column}') else '' end)
      into changed using v_tenant, v_reach, vals, p_now, named, held;
    counts := counts || jsonb_build_object(d ->> 'table', changed);
  end loop;

  -- The contents no row of the business names any more leave the store; the caller alone can reach it.
  execute format('select array(select h from unnest($2::text[]) h where true%s)', coalesce((select string_agg(
      format(' and not exists (select 1 from %I t where t.tenant_id = $1 and t.%I = h)', x ->> 'table', x ->> 'files'), '')
    from jsonb_array_elements(v_tables) x where x ->> 'files' is not null), ''))
    into found using v_tenant, (select array_agg(distinct h) from unnest(hashes) h);
  counts := counts || jsonb_build_object('document_hashes', to_jsonb(coalesce(found, '{}')));

  perform set_config('app.erasure_id', '', true);
  return counts;
end $$;
revoke execute on function erase_customer(uuid, timestamptz) from public;
grant execute on function erase_customer(uuid, timestamptz) to crm_app;
