-- A person in Google whose customer the owner erased is never brought back by the import or the refresh. Erasure
-- deletes the customer's google_contacts links (their declaration, core/domains/google/personal-data.ts); as each goes
-- within an erasure, in its transaction, the business keeps a one-way mark of the Google resource name: a hash of the
-- business and the name, never a name, email or phone. The import and the refresh skip a person whose name hashes to a
-- mark; the owner who wants them back adds them by hand.

-- The mark of a Google resource name in a business: the hex sha256 of the business id and the name.
create function google_contact_mark(p_tenant uuid, p_resource_name text) returns text language sql immutable as $$
  select encode(sha256(convert_to(p_tenant::text || ' ' || p_resource_name, 'UTF8')), 'hex')
$$;

create table google_contacts_erased (
  tenant_id uuid not null references tenants (id),
  resource_hash text not null check (resource_hash ~ '^[0-9a-f]{64}$'),
  erased_at timestamptz not null default now(),
  primary key (tenant_id, resource_hash)
);
alter table google_contacts_erased enable row level security;
alter table google_contacts_erased force row level security;
create policy tenant_rows on google_contacts_erased using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
-- The app only reads the marks: erase_customer() (running as the owner of the tables) writes them.
grant select on google_contacts_erased to crm_app;

-- A link deleted by an erasure of the business leaves its mark; a link deleted otherwise leaves none.
create function mark_erased_google_contact() returns trigger language plpgsql set search_path = public, pg_temp as $$
begin
  if erasure_under_way(old.tenant_id, null) then
    insert into google_contacts_erased (tenant_id, resource_hash)
      values (old.tenant_id, google_contact_mark(old.tenant_id, old.resource_name))
      on conflict (tenant_id, resource_hash) do nothing;
  end if;
  return old;
end $$;
create trigger google_contacts_erased_mark after delete on google_contacts
  for each row execute function mark_erased_google_contact();
