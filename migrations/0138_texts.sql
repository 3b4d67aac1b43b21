-- Texts: a second channel to customers, through Twilio, only with their consent.

-- How each customer wants to hear from the business: email, text or both. Text needs their consent (text_consents).
alter table contacts add column message_channel text not null default 'email'
  check (message_channel in ('email', 'text', 'both'));

-- A queued message goes by email or by text; the kind decides what it says, the channel how it travels.
alter table scheduled_messages add column channel text not null default 'email' check (channel in ('email', 'text'));
-- An "on my way" message's arrival time.
alter table scheduled_messages add column arrival_at timestamptz;
-- A customer who hears by email and text gets a batch's message on each channel.
drop index scheduled_messages_segment_send;
create unique index scheduled_messages_segment_send on scheduled_messages (tenant_id, segment_send_id, contact_id, channel)
  where segment_send_id is not null;
drop index scheduled_messages_reach_out_batch;
create unique index scheduled_messages_reach_out_batch on scheduled_messages (tenant_id, reach_out_batch_id, contact_id, channel)
  where reach_out_batch_id is not null;

-- A customer's consent to be texted: when and how it was given, for visit texts (reminders, confirmations, "on my way",
-- pay links) and, separately, for marketing (reach-outs). A withdrawal clears the time; the audit keeps the history.
create table text_consents (
  tenant_id uuid not null references tenants (id),
  contact_id uuid not null,
  service_at timestamptz,
  service_how text check (service_how in ('request_form', 'phone_call', 'in_person', 'in_writing', 'reply')),
  marketing_at timestamptz,
  marketing_how text check (marketing_how in ('request_form', 'phone_call', 'in_person', 'in_writing', 'reply')),
  -- The customer's own time zone for quiet hours, when it is not the business's.
  time_zone text,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, contact_id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
  check ((service_at is null) = (service_how is null) and (marketing_at is null) = (marketing_how is null))
);

-- Numbers that replied STOP (or a word like it): nothing is texted to them until they reply START. Kept by number, as
-- carriers keep it, so a number no customer has yet is stopped too.
create table text_opt_outs (
  tenant_id uuid not null references tenants (id),
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  stopped_at timestamptz not null,
  primary key (tenant_id, phone)
);

-- The business's texting: the number customers see and answer, and how many texts it sends at most a day.
create table text_settings (
  tenant_id uuid not null references tenants (id) primary key,
  from_number text check (from_number ~ '^\+[1-9][0-9]{6,14}$'),
  daily_limit integer not null default 200 check (daily_limit between 0 and 100000),
  updated_at timestamptz not null default now()
);

-- Every text to or from a customer: the thread on their page, what was sent and what it cost in segments.
create table text_messages (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  -- The order texts were kept in, for a thread whose texts share a moment.
  seq bigint generated always as identity,
  direction text not null check (direction in ('out', 'in')),
  contact_id uuid,
  lead_id uuid,
  -- The customer's number and the business's, E.164.
  phone text not null,
  business_phone text,
  body text not null,
  segments integer not null check (segments >= 0),
  -- out: sending, queued, sent, delivered, undelivered, failed; in: received.
  status text not null check (status in ('sending', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'received')),
  provider_sid text,
  error_code integer,
  error_message text,
  -- The queued message this text delivers: one text per message, whichever worker sends it.
  scheduled_message_id uuid,
  ticket_id uuid,
  -- What an inbound text asked for: confirm, reschedule, stop, start, help, or null for words a person reads.
  intent text check (intent in ('confirm', 'reschedule', 'stop', 'start', 'help')),
  -- An inbound text a person should answer, until someone does.
  needs_answer boolean not null default false,
  answered_at timestamptz,
  media_document_ids uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
  foreign key (tenant_id, lead_id) references leads (tenant_id, id) on delete set null (lead_id),
  foreign key (tenant_id, scheduled_message_id) references scheduled_messages (tenant_id, id) on delete set null (scheduled_message_id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id) on delete set null (ticket_id)
);
create unique index text_messages_provider_sid on text_messages (tenant_id, provider_sid) where provider_sid is not null;
create unique index text_messages_scheduled on text_messages (tenant_id, scheduled_message_id)
  where scheduled_message_id is not null and direction = 'out';
create index text_messages_contact on text_messages (tenant_id, contact_id, created_at);
create index text_messages_phone on text_messages (tenant_id, phone, created_at);
create index text_messages_day on text_messages (tenant_id, created_at) where direction = 'out';
create trigger text_messages_updated_at before update on text_messages for each row execute function set_updated_at();
create trigger text_consents_updated_at before update on text_consents for each row execute function set_updated_at();
create trigger text_settings_updated_at before update on text_settings for each row execute function set_updated_at();

do $$
declare t text;
begin
  foreach t in array array['text_consents', 'text_opt_outs', 'text_settings', 'text_messages'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_rows on %I using (tenant_id = app_tenant()) with check (tenant_id = app_tenant())', t);
    execute format('grant select, insert, update, delete on %I to crm_app', t);
  end loop;
end $$;

-- A text arrives at a number before its business is known: the number leads to its business through the global lookup,
-- as a link's secret does, and a number belongs to one business only.
create trigger text_settings_text_number_lookup after insert or delete or update of from_number, tenant_id on text_settings
  for each row execute function keep_secret_lookup('text_number', 'from_number');

-- A request form's box "Text me about my visits": the customer's consent, recorded on them when the lead becomes theirs.
alter table lead_requests add column texts_agreed_at timestamptz;

-- An offer of times texted to a customer who chose texts: its queued text names the offer, and each text carries a
-- link of its own (an offer's first link is its email's), so a text sent again never ends a link already sent.
alter table scheduled_messages add column slot_offer_id uuid,
  add foreign key (tenant_id, slot_offer_id) references slot_offers (tenant_id, id) on delete set null (slot_offer_id);
create table slot_offer_links (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  offer_id uuid not null,
  token_hash text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, offer_id) references slot_offers (tenant_id, id) on delete cascade
);
create index slot_offer_links_offer on slot_offer_links (tenant_id, offer_id);
alter table slot_offer_links enable row level security;
alter table slot_offer_links force row level security;
create policy tenant_rows on slot_offer_links using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on slot_offer_links to crm_app;
create trigger slot_offer_links_slot_offer_lookup after insert or delete or update of token_hash, tenant_id on slot_offer_links
  for each row execute function keep_secret_lookup('slot_offer', 'token_hash');

-- The photos a number no customer has texted, kept with its lead until the lead becomes a customer, whose documents
-- they then become.
create table text_media (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  -- The text that carried it, whose lead it waits with.
  text_message_id uuid not null,
  content_type text not null,
  bytes bytea not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, text_message_id) references text_messages (tenant_id, id) on delete cascade
);
create index text_media_text on text_media (tenant_id, text_message_id);
alter table text_media enable row level security;
alter table text_media force row level security;
create policy tenant_rows on text_media using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on text_media to crm_app;
