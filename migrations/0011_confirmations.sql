-- Appointment emails: the business's confirmation, follow-up and reminder settings, and the one-click links a customer
-- answers an appointment email with (confirm, decline, ask for a change) without signing in.

alter table tenants
  add column send_confirmations boolean not null default true,
  add column follow_up_after_hours int not null default 24 check (follow_up_after_hours between 1 and 336),
  add column follow_up_max int not null default 2 check (follow_up_max between 0 and 10),
  add column send_reminders boolean not null default true,
  add column reminder_time text not null default '09:00' check (reminder_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');

-- One row per link in one email. Only the SHA-256 of the secret is stored. The link works until expires_at (the
-- appointment's start), once, and only while the appointment is still at appointment_start.
create table response_links (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  message_id uuid not null,
  ticket_id uuid not null,
  purpose text not null check (purpose in ('confirm', 'decline', 'change')),
  token_hash text not null unique,
  appointment_start timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, message_id) references scheduled_messages (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id)
);
create index response_links_ticket on response_links (tenant_id, ticket_id, used_at);
create index response_links_message on response_links (tenant_id, message_id);
alter table response_links enable row level security;
alter table response_links force row level security;
create policy tenant_rows on response_links using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
-- A customer's click carries only the secret: the row matching its hash may be read to learn the business.
create policy link_lookup on response_links for select using (token_hash = app_lookup('token_hash'));
grant select, insert, update on response_links to crm_app;

-- What the customer writes when answering is free text: card numbers and SSNs never reach the table.
create trigger tickets_redact_confirmation_note before insert or update of confirmation_note on tickets
  for each row execute function redact_sensitive_column('confirmation_note', 'ticket');
create index tickets_confirmation_answers on tickets (tenant_id, confirmation_status)
  where confirmation_status in ('declined', 'change_requested');

-- The follow-up kind chases an unanswered confirmation; businesses still on the first wording get the new one.
update message_templates set
  subject = 'Reminder: please confirm your appointment on {{appointment_date}}',
  body = 'Hi {{customer_first_name}},

We have not heard back about your appointment with {{business_name}} on {{appointment_date}} at {{appointment_time}}.
Address: {{appointment_address}}
Services: {{services}}

{{custom_message}}

Confirm this time: {{confirm_link}}
Need a different time? {{change_link}}
Cannot make it? {{decline_link}}

Thank you,
{{business_name}}'
where kind = 'follow_up' and name = 'Default follow-up' and subject = 'Thank you from {{business_name}}';
