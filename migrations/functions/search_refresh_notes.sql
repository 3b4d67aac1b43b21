-- The whole current definition of search_refresh_notes(), applied again whenever this file changes
-- (docs/operations.md). First made by 0004_search.sql. Rebuilds the entries of the given notes (their stemmed words and
-- what they belong to). PL/pgSQL, not SQL: a SQL function's statements are parsed and planned again at every call, a
-- PL/pgSQL function's once per connection; every write of a record calls its refresh (search_refresh_contacts: 1.2 ms a
-- call against 0.3).

create or replace function search_refresh_notes(p_tenant uuid, p_ids uuid[]) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into search_entries (tenant_id, kind, id, parent_kind, parent_id, label, body, at)
  select n.tenant_id, 'note', n.id,
    case when n.contact_id is not null then 'contact' when n.ticket_id is not null then 'ticket' else 'lead' end,
    coalesce(n.contact_id, n.ticket_id, n.lead_id), left(n.content, 80), n.search, n.created_at
  from notes n where n.tenant_id = p_tenant and n.id = any(p_ids)
  on conflict (tenant_id, kind, id) do update set parent_kind = excluded.parent_kind, parent_id = excluded.parent_id,
    label = excluded.label, body = excluded.body, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'note' and e.id = any(p_ids)
    and not exists (select 1 from notes n where n.tenant_id = p_tenant and n.id = e.id);
end
$$;
revoke execute on function search_refresh_notes(uuid, uuid[]) from public;
