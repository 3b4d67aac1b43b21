-- Partner organizations: a business that sends the business work (refers customers, or gives it jobs to do as a
-- contractor) or does work for it (a subcontractor). What it is to the business is kept on its contact, with since when
-- and a note; the referrals it brings are read from referred_by links to it or to its people.
alter table contacts
  add column partner_roles text[] not null default '{}'
    check (partner_roles <@ array['referrer', 'contractor', 'subcontractor']::text[]),
  add column partner_since date,
  add column partner_note text;
create index contacts_partners on contacts (tenant_id) where cardinality(partner_roles) > 0;
