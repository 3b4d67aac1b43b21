-- The whole current definition of search_refresh_contacts(), applied again whenever this file changes
-- (docs/operations.md). Last redefined by 0047_custom_field_search.sql: the universal search finds a customer by the
-- text of its custom fields (a text field's words, a choice's option), as it finds one by its attributes; numbers,
-- dates and yes/no values are left to the filters (custom_field and custom_value). PL/pgSQL, not SQL: a SQL function's
-- statements are parsed and planned again at every call, a PL/pgSQL function's once per connection; every write of a
-- customer calls this (1.2 ms a call against 0.3).

create or replace function search_refresh_contacts(p_tenant uuid, p_ids uuid[]) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into search_entries (tenant_id, kind, id, label, terms, digits, body, traits, places, status, at)
  select c.tenant_id, 'contact', c.id, c.display_name, d.terms, c.phone_digits, to_tsvector('english', d.terms),
    to_tsvector('english', coalesce((select string_agg(nullif(search_attribute_text(t.key, t.value), ''), ' ')
      from attributes t where t.tenant_id = c.tenant_id and t.contact_id = c.id), '')),
    coalesce((select array_agg(distinct p) from addresses a
      cross join lateral unnest(array['city:' || lower(trim(a.city)), 'zip:' || trim(a.postal_code)]) p
      where a.tenant_id = c.tenant_id and a.contact_id = c.id and a.archived_at is null), '{}'),
    c.status, c.created_at
  from contacts c
  cross join lateral (select lower(concat_ws(' ', c.display_name, c.first_name, c.last_name,
      (select string_agg(x->>'value', ' ') from jsonb_array_elements(c.emails) x),
      nullif(array_to_string(c.tags, ' '), ''),
      (select string_agg(concat_ws(' ', a.line1, a.line2, a.city, a.state, a.postal_code), ' ')
       from addresses a where a.tenant_id = c.tenant_id and a.contact_id = c.id and a.archived_at is null),
      (select string_agg(nullif(search_attribute_text(t.key, t.value), ''), ' ')
       from attributes t where t.tenant_id = c.tenant_id and t.contact_id = c.id),
      (select string_agg(f.value #>> '{}', ' ') from jsonb_each(c.custom_fields) f
       where jsonb_typeof(f.value) = 'string' and f.value #>> '{}' !~ '^\d{4}-\d{2}-\d{2}$'))) as terms) d
  where c.tenant_id = p_tenant and c.id = any(p_ids) and c.merged_into is null
  on conflict (tenant_id, kind, id) do update set label = excluded.label, terms = excluded.terms, digits = excluded.digits,
    body = excluded.body, traits = excluded.traits, places = excluded.places, status = excluded.status, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'contact' and e.id = any(p_ids)
    and not exists (select 1 from contacts c where c.tenant_id = p_tenant and c.id = e.id and c.merged_into is null);
end
$$;
revoke execute on function search_refresh_contacts(uuid, uuid[]) from public;
