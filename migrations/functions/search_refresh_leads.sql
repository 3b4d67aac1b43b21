-- The whole current definition of search_refresh_leads(), applied again whenever this file changes
-- (docs/operations.md). First made by 0004_search.sql. Rebuilds the entries of the given leads from their extracted
-- fields and raw notes. PL/pgSQL, not SQL: a SQL function's statements are parsed and planned again at every call, a
-- PL/pgSQL function's once per connection; every write of a record calls its refresh (search_refresh_contacts: 1.2 ms a
-- call against 0.3).

create or replace function search_refresh_leads(p_tenant uuid, p_ids uuid[]) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into search_entries (tenant_id, kind, id, label, terms, digits, body, status, at)
  select l.tenant_id, 'lead', l.id,
    coalesce(nullif(trim(l.name), ''), nullif(trim(l.email), ''), nullif(trim(l.phone), ''), left(l.raw_notes, 60)),
    lower(concat_ws(' ', l.name, l.email, l.address, l.service_interest, l.source)),
    coalesce(regexp_replace(l.phone, '\D', '', 'g'), ''),
    to_tsvector('english', concat_ws(' ', l.name, l.email, l.address, l.service_interest, l.property_details, l.raw_notes)),
    l.status, l.created_at
  from leads l where l.tenant_id = p_tenant and l.id = any(p_ids)
  on conflict (tenant_id, kind, id) do update set label = excluded.label, terms = excluded.terms, digits = excluded.digits,
    body = excluded.body, status = excluded.status, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'lead' and e.id = any(p_ids)
    and not exists (select 1 from leads l where l.tenant_id = p_tenant and l.id = e.id);
end
$$;
revoke execute on function search_refresh_leads(uuid, uuid[]) from public;
