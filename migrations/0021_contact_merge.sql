-- Merging two customers: everything of the merged one moves to the one that survives, and the merged one stays only
-- as a pointer to it (merged_into), so old references, the audit and external systems can still find where it went.

alter table contacts
  add column merged_into uuid,
  add column merged_at timestamptz,
  add constraint contacts_merged_into_fk foreign key (tenant_id, merged_into) references contacts (tenant_id, id),
  add constraint contacts_not_merged_into_self check (merged_into <> id),
  add constraint contacts_merged_when check ((merged_into is null) = (merged_at is null));
create index contacts_merged_into on contacts (tenant_id, merged_into) where merged_into is not null;

-- A closed ticket never changes, with one exception: its customer reference may follow a merge, to the very contact
-- its old customer was merged into, in the same business, with every other column as it was.
create or replace function refuse_closed_ticket_change() returns trigger language plpgsql as $$
declare closed timestamptz;
begin
  if tg_table_name = 'tickets' then
    closed := old.closed_at;
    if closed is not null and tg_op = 'UPDATE' and new.tenant_id = old.tenant_id
       and new.contact_id is distinct from old.contact_id
       and (to_jsonb(new) - 'contact_id' - 'updated_at') = (to_jsonb(old) - 'contact_id' - 'updated_at')
       and exists (select 1 from contacts c where c.tenant_id = old.tenant_id and c.id = old.contact_id and c.merged_into = new.contact_id) then
      return new;
    end if;
  else
    select t.closed_at into closed from tickets t where t.tenant_id = old.tenant_id and t.id = old.ticket_id;
    if closed is null and tg_op = 'UPDATE' then
      select t.closed_at into closed from tickets t where t.tenant_id = new.tenant_id and t.id = new.ticket_id;
    end if;
  end if;
  if closed is not null then
    raise exception 'ticket is closed and cannot change' using errcode = 'CR001';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;

-- A merged contact has no search entry of its own: searching finds the survivor, which now holds its names and emails.
create or replace function search_refresh_contacts(p_tenant uuid, p_ids uuid[]) returns void
language sql security definer set search_path = public, pg_temp as $$
  insert into search_entries (tenant_id, kind, id, label, terms, digits, body, status, at)
  select c.tenant_id, 'contact', c.id, c.display_name, d.terms, c.phone_digits, to_tsvector('english', d.terms), c.status, c.created_at
  from contacts c
  cross join lateral (select lower(concat_ws(' ', c.display_name, c.first_name, c.last_name,
      (select string_agg(x->>'value', ' ') from jsonb_array_elements(c.emails) x),
      nullif(array_to_string(c.tags, ' '), ''),
      (select string_agg(concat_ws(' ', a.line1, a.line2, a.city, a.state, a.postal_code), ' ')
       from addresses a where a.tenant_id = c.tenant_id and a.contact_id = c.id and a.archived_at is null),
      (select string_agg(nullif(search_attribute_text(t.key, t.value), ''), ' ')
       from attributes t where t.tenant_id = c.tenant_id and t.contact_id = c.id))) as terms) d
  where c.tenant_id = p_tenant and c.id = any(p_ids) and c.merged_into is null
  on conflict (tenant_id, kind, id) do update set label = excluded.label, terms = excluded.terms, digits = excluded.digits,
    body = excluded.body, status = excluded.status, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'contact' and e.id = any(p_ids)
    and not exists (select 1 from contacts c where c.tenant_id = p_tenant and c.id = e.id and c.merged_into is null);
$$;

-- A merge moves the external keys (Square's customer id) to the survivor, so an import run again finds the survivor.
grant update (contact_id) on contact_external_ids to crm_app;
