-- Times offered to a customer or a lead by email: a few real free slots, and one secret link (only its hash kept) to a
-- page where the customer picks one, which books the visit; the other slots lapse with it.
create table slot_offers (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  contact_id uuid,
  lead_id uuid,
  email text not null,
  service_ids uuid[] not null,
  duration_minutes int not null check (duration_minutes between 5 and 1440),
  note text,
  token_hash text not null unique,
  expires_at timestamptz not null,
  status text not null default 'open' check (status in ('open', 'booked', 'revoked')),
  emailed_at timestamptz,
  email_error text,
  ticket_id uuid,
  booked_slot_id uuid,
  booked_at timestamptz,
  revoked_at timestamptz,
  revoke_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, lead_id) references leads (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  check (contact_id is not null or lead_id is not null),
  check ((status = 'booked') = (ticket_id is not null))
);
create index slot_offers_contact on slot_offers (tenant_id, contact_id) where contact_id is not null;
create index slot_offers_lead on slot_offers (tenant_id, lead_id) where lead_id is not null;
create index slot_offers_created on slot_offers (tenant_id, created_at desc, id desc);
create trigger slot_offers_updated_at before update on slot_offers for each row execute function set_updated_at();
alter table slot_offers enable row level security;
alter table slot_offers force row level security;
create policy tenant_rows on slot_offers using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
-- A customer's click carries only the secret: the row matching its hash may be read to learn the business.
create policy link_lookup on slot_offers for select to crm_sign_in using (token_hash = app_lookup('token_hash'));
grant select, insert, update on slot_offers to crm_app;

-- The times of one offer, each with the team member it was free for; a time found taken when picked is marked so.
create table slot_offer_slots (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  offer_id uuid not null,
  position int not null,
  technician_id uuid not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  taken_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, offer_id, position),
  foreign key (tenant_id, offer_id) references slot_offers (tenant_id, id),
  foreign key (tenant_id, technician_id) references users (tenant_id, id),
  check (ends_at > starts_at)
);
alter table slot_offer_slots enable row level security;
alter table slot_offer_slots force row level security;
create policy tenant_rows on slot_offer_slots using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on slot_offer_slots to crm_app;
