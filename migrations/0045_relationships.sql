-- Relationships between contacts: parent company and partner join works_at, referred_by, household and other, and
-- every link has a strength. Household and partner go both ways and are stored once; two reversed copies made before
-- this are folded into the older one. Existing links keep their type and become of normal strength.
alter table contact_links drop constraint contact_links_link_type_check;
alter table contact_links
  add constraint contact_links_link_type_check
    check (link_type in ('works_at', 'referred_by', 'household', 'parent_company', 'partner', 'other')),
  add column strength text not null default 'normal' check (strength in ('weak', 'normal', 'strong')),
  add column updated_at timestamptz not null default now();
delete from contact_links l using contact_links r
  where r.tenant_id = l.tenant_id and r.link_type = l.link_type and l.link_type = 'household'
    and r.from_contact_id = l.to_contact_id and r.to_contact_id = l.from_contact_id
    and (r.created_at, r.id) < (l.created_at, l.id);
create unique index contact_links_both_ways on contact_links
  (tenant_id, least(from_contact_id, to_contact_id), greatest(from_contact_id, to_contact_id), link_type)
  where link_type in ('household', 'partner');
-- Reading a contact's incoming links (who works at it, whom it referred) and walking referral chains downward.
create index contact_links_to on contact_links (tenant_id, to_contact_id, link_type);
create trigger contact_links_updated_at before update on contact_links for each row execute function set_updated_at();
create trigger contact_links_redact_note before insert or update of note on contact_links
  for each row execute function redact_sensitive_column('note', 'contact_link');
