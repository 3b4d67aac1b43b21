-- What each table holds about a customer is declared once, by the domain that owns the table
-- (core/domains/*/personal-data.ts): how its rows reach the customer, and for each column whether it is personal and
-- what erasure does with it. The app writes those declarations into personal_data when it starts, as the owner of the
-- tables, after migrating. Erasure and the customer's export read them, so a table or column that gains personal data
-- needs its declaration only: erase_customer() no longer names tables or columns, and is never re-created for them.
--
-- erase_customer() still runs as the owner of the tables, the one path through the append-only audit log, closed
-- tickets, settled quotes and orders and the insert-only outbox (0058): within an erasure of the business, and only for
-- the rows the declarations reach from the customer. It interprets the declarations, a closed vocabulary (clear, empty,
-- a fixed text, replace what names the customer, delete the row, a few changes of state), with every name and fixed
-- text quoted and the customer's values passed as parameters. The app role reads the declarations and can never write
-- them: what the function changes is only what the app's own code declared. It replaces the copies of 0058, 0061, 0066
-- and 0071; the guard triggers of closed tickets, settled quotes and orders and sent quote lines keep their own lists.

create table personal_data (
  singleton boolean primary key default true check (singleton),
  -- The declared tables in the order erasure walks them (each after the tables it reaches the customer through).
  tables jsonb not null check (jsonb_typeof(tables) = 'array'),
  written_at timestamptz not null default now()
);
grant select on personal_data to crm_app;

-- The ids of one table in a reach ({table: [ids]}); none when the table is not in it.
create function personal_ids(p_reach jsonb, p_table text) returns uuid[] language sql immutable as $$
  select coalesce(array(select x::uuid from jsonb_array_elements_text(p_reach -> p_table) x), '{}')
$$;

-- How a column holds its values: 'jsonb', 'array' or 'text'; null when the table has no such column.
create function personal_column_kind(p_table text, p_column text) returns text language sql stable set search_path = public, pg_temp as $$
  select case when a.atttypid = 'jsonb'::regtype then 'jsonb' when t.typcategory = 'A' then 'array' else 'text' end
  from pg_attribute a join pg_type t on t.oid = a.atttypid
  where a.attrelid = to_regclass('public.' || quote_ident(p_table)) and a.attname = p_column and a.attnum > 0 and not a.attisdropped
$$;

-- The condition (SQL over the table as t) under which a row reaches the customer through its foreign keys, the reach
-- ({table: [ids]}) as $2.
create function personal_reach_sql(d jsonb) returns text language sql immutable as $$
  select coalesce(string_agg(format('t.%I = any(personal_ids($2, %L))', r ->> 'column', r ->> 'to'), ' or '), 'false')
  from jsonb_array_elements(d -> 'reach') r
$$;

-- The condition under which a row reaches the customer in any declared way: through its foreign keys ($2), by holding
-- one of the values given as $6 (in any case), or by naming them or one of their contacts ($5) in its personal columns.
create function personal_where_sql(d jsonb) returns text language sql immutable as $$
  select case when jsonb_typeof(d -> 'holds') = 'object' then format('lower(t.%I) = any($6)', d #>> '{holds,column}')
    when (d ->> 'mentions')::boolean then format('exists (select 1 from unnest($5::text[]) v where position(lower(v) in lower(concat_ws('' '', %s))) > 0)',
      (select string_agg(format('t.%I::text', c ->> 'column'), ', ') from jsonb_array_elements(d -> 'columns') c))
    else personal_reach_sql(d) end
$$;

-- The customer's rows, reached from the contact through the declared foreign keys: {table: [ids]} for each table with
-- an id, the contacts merged into them among 'contacts'. It runs as its caller: under row level security for the app
-- role (the export); as the owner within erase_customer(), where the business named in each statement keeps it to its own.
create function personal_data_reach(p_contact uuid) returns jsonb language plpgsql stable set search_path = public, pg_temp as $$
declare
  v_reach jsonb := jsonb_build_object('contacts', jsonb_build_array(p_contact));
  d jsonb;
  ids jsonb;
begin
  if not exists (select 1 from personal_data) then
    raise exception 'the declarations of personal data were never written (the app writes them when it starts)';
  end if;
  for d in select x from personal_data p, jsonb_array_elements(p.tables) with ordinality a (x, n) order by n loop
    continue when jsonb_array_length(d -> 'reach') = 0 or personal_column_kind(d ->> 'table', 'id') is null;
    execute format('select coalesce(jsonb_agg(t.id), ''[]'') from %I t where t.tenant_id = $1 and (%s)', d ->> 'table', personal_reach_sql(d))
      into ids using app_tenant(), v_reach;
    v_reach := v_reach || jsonb_build_object(d ->> 'table', ids);
  end loop;
  return v_reach;
end $$;

-- A statement selecting one declared column's values (as v) in the customer's rows of its table: the text, each
-- element of a list, or each string of JSON at p_path ('all': every string). $1 is the business, $2 the reach.
create function personal_values_sql(d jsonb, p_column text, p_path text) returns text language sql stable set search_path = public, pg_temp as $$
  select case personal_column_kind(d ->> 'table', p_column)
    when 'jsonb' then format('select x #>> ''{}'' as v from %I t, jsonb_path_query(t.%I, %L) x where t.tenant_id = $1 and (%s) and jsonb_typeof(x) = ''string''',
      d ->> 'table', p_column, case when p_path = 'all' then 'strict $.**' else p_path end, personal_reach_sql(d))
    when 'array' then format('select unnest(t.%I)::text as v from %I t where t.tenant_id = $1 and (%s)', p_column, d ->> 'table', personal_reach_sql(d))
    else format('select t.%I::text as v from %I t where t.tenant_id = $1 and (%s)', p_column, d ->> 'table', personal_reach_sql(d))
  end
$$;

-- The customer's values in the declared columns of their rows, distinct: p_kind 'names', the values that name them
-- (a phone's digits alone too), or 'sought', every value sought in their other records and audit entries.
create function personal_values(p_tables jsonb, p_reach jsonb, p_kind text) returns text[] language plpgsql stable set search_path = public, pg_temp as $$
declare
  d jsonb;
  c jsonb;
  part text;
  parts text[] := '{}';
  found text[];
begin
  for d in select x from jsonb_array_elements(p_tables) x where jsonb_array_length(x -> 'reach') > 0 loop
    for c in select y from jsonb_array_elements(d -> 'columns') y where y ->> p_kind is not null loop
      part := personal_values_sql(d, c ->> 'column', c ->> p_kind);
      parts := parts || part;
      if p_kind = 'names' and (c ->> 'digits')::boolean then
        parts := parts || format('select regexp_replace(s.v, ''\D'', '''', ''g'') from (%s) s', part);
      end if;
    end loop;
  end loop;
  if cardinality(parts) = 0 then
    return '{}';
  end if;
  execute format('select array(select distinct s.v from (%s) s where s.v is not null)', array_to_string(parts, ' union all '))
    into found using app_tenant(), p_reach;
  return found;
end $$;

-- The customer's values that a table's rows may hold (its declared holds: the addresses in their emails), lowercased;
-- none for a table reached otherwise.
create function personal_held(p_tables jsonb, d jsonb, p_reach jsonb) returns text[] language plpgsql stable set search_path = public, pg_temp as $$
declare
  found text[];
begin
  if jsonb_typeof(d -> 'holds') is distinct from 'object' then
    return '{}';
  end if;
  execute format('select array(select lower(s.v) from (%s) s)', (select personal_values_sql(h, c ->> 'column', c ->> 'sought')
      from jsonb_array_elements(p_tables) h, jsonb_array_elements(h -> 'columns') c
      where h ->> 'table' = d #>> '{holds,table}' and c ->> 'column' = d #>> '{holds,of}'))
    into found using app_tenant(), p_reach;
  return found;
end $$;

-- What erasure writes over a personal column (SQL over the table as t; the customer's values as $3).
create function personal_erased_sql(d jsonb, c jsonb) returns text language sql stable set search_path = public, pg_temp as $$
  select case c ->> 'erase'
    when 'null' then 'null'
    when 'empty' then case personal_column_kind(d ->> 'table', c ->> 'column')
      when 'jsonb' then format('case jsonb_typeof(t.%I) when ''array'' then ''[]''::jsonb else ''{}''::jsonb end', c ->> 'column') else '''{}''' end
    when 'scrub' then format(case personal_column_kind(d ->> 'table', c ->> 'column') when 'jsonb' then 'erased_json(t.%I, $3)' else 'erased_text(t.%I, $3)' end,
      c ->> 'column')
    when 'text' then quote_literal(c ->> 'text')
    when 'text if set' then format('case when t.%I is null then null else %L end', c ->> 'column', c ->> 'text')
  end
$$;

-- A change of state's value for one column (SQL over the table as t; the erasure's time as $4), on the rows its
-- conditions pick; the others keep theirs.
create function personal_state_sql(p_change jsonb, p_set jsonb) returns text language sql immutable as $$
  select case when s.cond is null then s.val else format('case when %s then %s else t.%I end', s.cond, s.val, p_set ->> 'column') end
  from (select case when (p_set ->> 'erasure_time')::boolean then '$4' else coalesce(quote_literal(p_set ->> 'value'), 'null') end as val,
      (select string_agg(case when (w ->> 'is_null')::boolean then format('t.%I is null', w ->> 'column')
           when (w ->> 'after_erasure')::boolean then format('t.%I > $4', w ->> 'column')
           else format('t.%I = any(%L::text[])', w ->> 'column', array(select jsonb_array_elements_text(w -> 'in'))) end, ' and ')
       from jsonb_array_elements(p_change -> 'when') w) as cond) s
$$;

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

-- Its work is done above now; nothing calls the old body.
drop function erase_customer_records(uuid, timestamptz);
