-- A card is charged only for an amount the owner or the customer agreed to. Each invoice keeps who set what it asks:
-- a person (the owner, a technician at close-out), the owner allowing an agent's call, the system issuing a plan's or a
-- recurring invoice's period at the price the owner approved, or an agent alone. Autopay never charges an agent's
-- amount until the owner allows it. Invoices made before this release keep the person's mark they had in effect; a
-- writer that does not say who set the amount (a direct insert) is read as an agent, so its amount is never charged
-- without the owner.
alter table invoices add column amount_set_by text not null default 'person'
  check (amount_set_by in ('person', 'owner', 'system', 'agent'));
alter table invoices alter column amount_set_by set default 'agent';

-- The customer is emailed before each charge: the amount, the card and the day. A notice is kept for the amount and
-- card it named; a charge goes only once a notice for that amount (or more) and that card was sent.
create table autopay_notices (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  invoice_id uuid not null,
  saved_card_id uuid not null,
  amount_cents int not null check (amount_cents > 0),
  charge_on date not null,
  message_id uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
  foreign key (tenant_id, saved_card_id) references saved_cards (tenant_id, id) on delete cascade,
  foreign key (tenant_id, message_id) references scheduled_messages (tenant_id, id) on delete set null (message_id)
);
create index autopay_notices_invoice on autopay_notices (tenant_id, invoice_id);
alter table autopay_notices enable row level security;
alter table autopay_notices force row level security;
create policy tenant_rows on autopay_notices using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on autopay_notices to crm_app;

-- The email that tells a customer their card will be charged.
alter table scheduled_messages drop constraint scheduled_messages_kind_check;
alter table scheduled_messages add constraint scheduled_messages_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote',
                  'invoice_reminder', 'quote_follow_up', 'review_request', 'moved', 'plan_offer', 'card_request',
                  'charge_notice'));
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote',
                  'invoice_reminder', 'quote_follow_up', 'review_request', 'moved', 'plan_offer', 'card_request',
                  'charge_notice'));
