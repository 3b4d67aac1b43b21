-- Keys of services and past visits in the system a business moved from (Square's item variation token, its
-- transaction id), so importing the item library or the sales history twice creates nothing new.

create table service_external_ids (
  tenant_id uuid not null references tenants (id),
  source text not null check (source ~ '^[a-z][a-z0-9_]{0,30}$'),
  external_id text not null check (length(external_id) between 1 and 200),
  service_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, source, external_id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete cascade
);
create index service_external_ids_service on service_external_ids (tenant_id, service_id);

create table ticket_external_ids (
  tenant_id uuid not null references tenants (id),
  source text not null check (source ~ '^[a-z][a-z0-9_]{0,30}$'),
  external_id text not null check (length(external_id) between 1 and 200),
  ticket_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, source, external_id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id)
);
create index ticket_external_ids_ticket on ticket_external_ids (tenant_id, ticket_id);

alter table service_external_ids enable row level security;
alter table service_external_ids force row level security;
create policy tenant_rows on service_external_ids using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, delete on service_external_ids to crm_app;

alter table ticket_external_ids enable row level security;
alter table ticket_external_ids force row level security;
create policy tenant_rows on ticket_external_ids using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert on ticket_external_ids to crm_app;

-- A bulk write (an import's chunk of customers) inserts contacts, then their addresses, then their attributes: each
-- statement would rebuild the same contacts' search entries again, and each rebuild rewrites every trigram index of
-- the entry. With app.defer_contact_search set for the transaction, the triggers leave contact entries alone and the
-- writer rebuilds them once, at the end, with search_refresh_own_contacts().
create or replace function search_contacts_changed() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare r record;
begin
  if current_setting('app.defer_contact_search', true) = 'on' then return null; end if;
  if tg_op = 'DELETE' then
    for r in select tenant_id, array_agg(id) as ids from old_rows group by tenant_id loop
      perform search_refresh_contacts(r.tenant_id, r.ids);
    end loop;
    return null;
  end if;
  for r in select tenant_id, array_agg(id) as ids from new_rows group by tenant_id loop
    perform search_refresh_contacts(r.tenant_id, r.ids);
  end loop;
  return null;
end $$;

create or replace function search_contact_parts_changed() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare r record;
begin
  if current_setting('app.defer_contact_search', true) = 'on' then return null; end if;
  if tg_op = 'INSERT' then
    for r in select tenant_id, array_agg(distinct contact_id) as ids from new_rows group by tenant_id loop
      perform search_refresh_contacts(r.tenant_id, r.ids);
    end loop;
  elsif tg_op = 'DELETE' then
    for r in select tenant_id, array_agg(distinct contact_id) as ids from old_rows group by tenant_id loop
      perform search_refresh_contacts(r.tenant_id, r.ids);
    end loop;
  else
    for r in select tenant_id, array_agg(distinct contact_id) as ids
             from (select tenant_id, contact_id from new_rows union select tenant_id, contact_id from old_rows) x group by tenant_id loop
      perform search_refresh_contacts(r.tenant_id, r.ids);
    end loop;
  end if;
  return null;
end $$;

-- The same rebuild as 0004's, reaching the contacts through their ids: given "tenant_id = .. and id = any(..)" on a
-- freshly filled table, the planner would read every contact of the business by another index and filter, so a
-- refresh after each chunk of an import cost more the more customers were already in.
create or replace function search_refresh_contacts(p_tenant uuid, p_ids uuid[]) returns void
language sql security definer set search_path = public, pg_temp as $$
  insert into search_entries (tenant_id, kind, id, label, terms, digits, body, status, at)
  select c.tenant_id, 'contact', c.id, c.display_name, d.terms, c.phone_digits, to_tsvector('english', d.terms), c.status, c.created_at
  from (select distinct unnest(p_ids) as id) i
  join contacts c on c.tenant_id = p_tenant and c.id = i.id
  cross join lateral (select lower(concat_ws(' ', c.display_name, c.first_name, c.last_name,
      (select string_agg(x->>'value', ' ') from jsonb_array_elements(c.emails) x),
      nullif(array_to_string(c.tags, ' '), ''),
      (select string_agg(concat_ws(' ', a.line1, a.line2, a.city, a.state, a.postal_code), ' ')
       from addresses a where a.tenant_id = c.tenant_id and a.contact_id = c.id and a.archived_at is null),
      (select string_agg(nullif(search_attribute_text(t.key, t.value), ''), ' ')
       from attributes t where t.tenant_id = c.tenant_id and t.contact_id = c.id))) as terms) d
  on conflict (tenant_id, kind, id) do update set label = excluded.label, terms = excluded.terms, digits = excluded.digits,
    body = excluded.body, status = excluded.status, at = excluded.at;
  delete from search_entries e where e.tenant_id = p_tenant and e.kind = 'contact' and e.id = any(p_ids)
    and not exists (select 1 from contacts c where c.tenant_id = p_tenant and c.id = e.id);
$$;
revoke execute on function search_refresh_contacts(uuid, uuid[]) from public;

-- Rebuilds the search entries of the given contacts of the transaction's business (never another's).
create function search_refresh_own_contacts(p_ids uuid[]) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if app_tenant() is null then return; end if;
  perform search_refresh_contacts(app_tenant(), p_ids);
end $$;
revoke execute on function search_refresh_own_contacts(uuid[]) from public;
grant execute on function search_refresh_own_contacts(uuid[]) to crm_app;

-- The audit row's reasoning is redacted only when there is one: building the whole row as JSON to find out cost
-- more than the insert itself for the thousands of rows an import writes.
drop trigger audit_log_redact_reasoning on audit_log;
create trigger audit_log_redact_reasoning before insert on audit_log
  for each row when (new.reasoning is not null) execute function redact_sensitive_column('reasoning', 'audit', 'entity_id');
