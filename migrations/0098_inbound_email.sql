-- Inbound email: mail posted to the business's own address by the receiving provider's webhook, each email made once
-- into an interaction on a customer's (or a lead's) timeline, a lead, or nothing (and why).

create table inbound_emails (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  -- The delivery's id (svix-id): the same delivery posted again is a replay and changes nothing.
  provider_event_id text not null,
  -- The provider's id of the email: the same email in a second delivery is not made twice.
  provider_email_id text not null,
  -- Its Message-ID header: the same email read from the owner's Gmail as well is not made twice.
  rfc_message_id text,
  -- interaction, lead, or skipped:<why> (newsletter, automated, from_business, ...).
  outcome text not null check (outcome in ('interaction', 'lead') or outcome like 'skipped:%'),
  interaction_id uuid,
  lead_id uuid,
  received_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check ((outcome = 'interaction') = (interaction_id is not null) and (outcome = 'lead') = (lead_id is not null and interaction_id is null)),
  foreign key (tenant_id, interaction_id) references interactions (tenant_id, id),
  foreign key (tenant_id, lead_id) references leads (tenant_id, id)
);
create unique index inbound_emails_event on inbound_emails (tenant_id, provider_event_id);
create unique index inbound_emails_email on inbound_emails (tenant_id, provider_email_id);
create index inbound_emails_rfc on inbound_emails (tenant_id, rfc_message_id) where rfc_message_id is not null;
create index inbound_emails_interaction on inbound_emails (tenant_id, interaction_id) where interaction_id is not null;
create index inbound_emails_lead on inbound_emails (tenant_id, lead_id) where lead_id is not null;
create index inbound_emails_newest on inbound_emails (tenant_id, created_at desc);
alter table inbound_emails enable row level security;
alter table inbound_emails force row level security;
create policy tenant_rows on inbound_emails using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on inbound_emails to crm_app;
