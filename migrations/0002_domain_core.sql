-- Domain core: tenant settings, contacts in full, addresses, attributes, notes, services, tickets, leads, waitlist,
-- invoices and payments, message templates and scheduled messages, security events, per-tenant counters.
-- Money is integer cents; rates are basis points (825 = 8.25 %); times are timestamptz (UTC).

alter table tenants
  add column business_hours jsonb not null default '{"mon":[["08:00","17:00"]],"tue":[["08:00","17:00"]],"wed":[["08:00","17:00"]],"thu":[["08:00","17:00"]],"fri":[["08:00","17:00"]],"sat":[],"sun":[]}',
  add column default_tax_rate_bp int not null default 0 check (default_tax_rate_bp between 0 and 10000),
  add column currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  add column invoice_prefix text not null default 'INV' check (invoice_prefix ~ '^[A-Z0-9]{1,10}$'),
  add column invoice_terms_days int not null default 15 check (invoice_terms_days between 0 and 365),
  add column reply_to_email text,
  add column payment_instructions text not null default '',
  add column updated_at timestamptz not null default now();
create trigger tenants_updated_at before update on tenants for each row execute function set_updated_at();

-- Gapless per-tenant sequences (invoice numbers per year, ticket numbers): the row lock serializes writers.
create table tenant_counters (
  tenant_id uuid not null references tenants (id),
  name text not null,
  value int not null,
  primary key (tenant_id, name)
);

-- Contacts in full. emails/phones: [{"value": "...", "label": "home", "primary": true}], exactly one primary when any.
alter table contacts
  drop column email,
  drop column phone,
  add column emails jsonb not null default '[]' check (jsonb_typeof(emails) = 'array'),
  add column phones jsonb not null default '[]' check (jsonb_typeof(phones) = 'array'),
  add column preferences jsonb not null default '{}' check (jsonb_typeof(preferences) = 'object'),
  add column tags text[] not null default '{}',
  add column source text,
  add column notes text,
  add column stripe_customer_id text,
  add column email_status text not null default 'ok' check (email_status in ('ok', 'bounced', 'complained'));

-- The primary entry's value of an emails/phones array (the first entry when none is marked).
create function primary_value(items jsonb) returns text language sql immutable as $$
  select coalesce(
    (select e->>'value' from jsonb_array_elements(items) e where (e->>'primary')::boolean limit 1),
    items->0->>'value')
$$;
-- Every phone's digits, space-separated, so "any 4+ digits" matches inside one number only.
create function phone_digits(items jsonb) returns text language sql immutable as $$
  select coalesce(string_agg(regexp_replace(e->>'value', '\D', '', 'g'), ' '), '') from jsonb_array_elements(items) e
$$;
alter table contacts
  add column email text generated always as (lower(primary_value(emails))) stored,
  add column phone text generated always as (primary_value(phones)) stored,
  add column phone_digits text generated always as (phone_digits(phones)) stored;
create index contacts_email on contacts (tenant_id, email);
create index contacts_tags on contacts using gin (tags);

create table addresses (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  label text,
  line1 text not null check (length(trim(line1)) > 0),
  line2 text,
  city text not null,
  state text not null,
  postal_code text not null,
  country text not null default 'US',
  access_notes text,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id)
);
create index addresses_contact on addresses (tenant_id, contact_id);
create index addresses_postal on addresses (tenant_id, postal_code);
create index addresses_city on addresses (tenant_id, lower(city));
create trigger addresses_updated_at before update on addresses for each row execute function set_updated_at();

create table contact_links (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  from_contact_id uuid not null,
  to_contact_id uuid not null,
  link_type text not null check (link_type in ('works_at', 'referred_by', 'household', 'other')),
  note text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, from_contact_id, to_contact_id, link_type),
  check (from_contact_id <> to_contact_id),
  foreign key (tenant_id, from_contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, to_contact_id) references contacts (tenant_id, id)
);

create table attributes (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  value jsonb not null,
  source text not null check (source in ('note', 'ticket_closeout', 'manual', 'import')),
  confidence real check (confidence between 0 and 1),
  confirmed_by uuid,
  confirmed_at timestamptz,
  source_ticket_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, contact_id, key),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, confirmed_by) references users (tenant_id, id)
);
create index attributes_key on attributes (tenant_id, key);
create index attributes_value on attributes using gin (value jsonb_path_ops);
create trigger attributes_updated_at before update on attributes for each row execute function set_updated_at();

create table services (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(trim(name)) > 0),
  description text,
  pricing text not null check (pricing in ('fixed', 'flexible', 'per_unit', 'product')),
  -- fixed and product: the price; flexible: the suggested price (optional); per_unit: the price of one unit.
  price_cents int check (price_cents >= 0),
  unit_name text,
  default_duration_minutes int check (default_duration_minutes > 0),
  taxable boolean not null default true,
  status text not null default 'active' check (status in ('active', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (pricing = 'flexible' or price_cents is not null),
  check (pricing <> 'per_unit' or unit_name is not null)
);
create unique index services_name on services (tenant_id, lower(name)) where status = 'active';
create trigger services_updated_at before update on services for each row execute function set_updated_at();

-- A ticket IS the appointment. closed_at set means completed and immutable.
create table tickets (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  number int not null,
  contact_id uuid not null,
  address_id uuid,
  scheduled_start timestamptz not null,
  scheduled_end timestamptz not null,
  status text not null default 'scheduled'
    check (status in ('scheduled', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show')),
  confirmation_status text not null default 'pending'
    check (confirmation_status in ('pending', 'accepted', 'declined', 'change_requested')),
  confirmation_note text,
  is_price_estimated boolean not null default false,
  notes text,
  duration_minutes int check (duration_minutes >= 0),
  cancel_reason text,
  cancelled_at timestamptz,
  closed_at timestamptz,
  previous_ticket_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, number),
  check (scheduled_end > scheduled_start),
  check ((status = 'completed') = (closed_at is not null)),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, address_id) references addresses (tenant_id, id),
  foreign key (tenant_id, previous_ticket_id) references tickets (tenant_id, id)
);
create index tickets_start on tickets (tenant_id, scheduled_start);
create index tickets_contact on tickets (tenant_id, contact_id, scheduled_start);
create trigger tickets_updated_at before update on tickets for each row execute function set_updated_at();

create table ticket_technicians (
  tenant_id uuid not null,
  ticket_id uuid not null,
  user_id uuid not null,
  clock_in_at timestamptz,
  clock_out_at timestamptz,
  primary key (tenant_id, ticket_id, user_id),
  check (clock_out_at is null or (clock_in_at is not null and clock_out_at >= clock_in_at)),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index ticket_technicians_user on ticket_technicians (tenant_id, user_id);

create table ticket_line_items (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  ticket_id uuid not null,
  service_id uuid,
  description text not null,
  quantity int not null default 1 check (quantity > 0),
  unit_price_cents int not null check (unit_price_cents >= 0),
  price_cents int generated always as (quantity * unit_price_cents) stored,
  duration_minutes int check (duration_minutes >= 0),
  taxable boolean not null default true,
  position int not null default 0,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id)
);
create index ticket_line_items_ticket on ticket_line_items (tenant_id, ticket_id, position);
create index ticket_line_items_service on ticket_line_items (tenant_id, service_id);

-- A closed ticket and its line items never change again, whoever asks.
create function refuse_closed_ticket_change() returns trigger language plpgsql as $$
declare closed timestamptz;
begin
  if tg_table_name = 'tickets' then
    closed := old.closed_at;
  else
    select t.closed_at into closed from tickets t where t.tenant_id = old.tenant_id and t.id = old.ticket_id;
  end if;
  if closed is not null then
    raise exception 'ticket is closed and cannot change' using errcode = 'CR001';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;
create trigger tickets_immutable_when_closed before update or delete on tickets
  for each row execute function refuse_closed_ticket_change();
create trigger ticket_line_items_immutable_when_closed before update or delete on ticket_line_items
  for each row execute function refuse_closed_ticket_change();
create trigger ticket_technicians_immutable_when_closed before update or delete on ticket_technicians
  for each row execute function refuse_closed_ticket_change();
-- Adding a line item or technician to a closed ticket is a change too.
create function refuse_insert_on_closed_ticket() returns trigger language plpgsql as $$
begin
  if exists (select 1 from tickets t where t.tenant_id = new.tenant_id and t.id = new.ticket_id and t.closed_at is not null) then
    raise exception 'ticket is closed and cannot change' using errcode = 'CR001';
  end if;
  return new;
end $$;
create trigger ticket_line_items_closed_insert before insert on ticket_line_items
  for each row execute function refuse_insert_on_closed_ticket();
create trigger ticket_technicians_closed_insert before insert on ticket_technicians
  for each row execute function refuse_insert_on_closed_ticket();

create table leads (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  raw_notes text not null check (length(trim(raw_notes)) > 0),
  name text,
  phone text,
  email text,
  address text,
  service_interest text,
  source text,
  urgency text check (urgency in ('low', 'normal', 'high')),
  property_details text,
  status text not null default 'new' check (status in ('new', 'contacted', 'qualified', 'converted', 'archived')),
  reminder_at timestamptz,
  converted_contact_id uuid,
  converted_at timestamptz,
  archive_reason text,
  extraction jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, converted_contact_id) references contacts (tenant_id, id),
  check ((status = 'converted') = (converted_contact_id is not null))
);
create index leads_status on leads (tenant_id, status, created_at);
create index leads_reminder on leads (tenant_id, reminder_at) where reminder_at is not null;
create trigger leads_updated_at before update on leads for each row execute function set_updated_at();

-- Notes on a contact, a ticket or a lead (exactly one).
create table notes (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  contact_id uuid,
  ticket_id uuid,
  lead_id uuid,
  content text not null check (length(trim(content)) > 0),
  author_type text not null check (author_type in ('user', 'agent', 'system')),
  author_id uuid,
  search tsvector generated always as (to_tsvector('english', content)) stored,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (num_nonnulls(contact_id, ticket_id, lead_id) = 1),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  foreign key (tenant_id, lead_id) references leads (tenant_id, id)
);
create index notes_contact on notes (tenant_id, contact_id, created_at) where contact_id is not null;
create index notes_ticket on notes (tenant_id, ticket_id, created_at) where ticket_id is not null;
create index notes_lead on notes (tenant_id, lead_id, created_at) where lead_id is not null;
create index notes_search on notes using gin (search);

create table waitlist_entries (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  service_id uuid,
  address_id uuid,
  earliest_date date not null,
  latest_date date not null,
  preferred_days text[] not null default '{}'
    check (preferred_days <@ array['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
  time_of_day text not null default 'any' check (time_of_day in ('any', 'morning', 'afternoon')),
  status text not null default 'waiting' check (status in ('waiting', 'offered', 'scheduled', 'removed')),
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (latest_date >= earliest_date),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id),
  foreign key (tenant_id, address_id) references addresses (tenant_id, id)
);
create index waitlist_status on waitlist_entries (tenant_id, status, earliest_date);
create trigger waitlist_updated_at before update on waitlist_entries for each row execute function set_updated_at();

create table invoices (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  number text not null,
  ticket_id uuid,
  contact_id uuid not null,
  status text not null default 'draft'
    check (status in ('draft', 'sent', 'paid', 'partially_paid', 'overdue', 'void')),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  issued_on date not null,
  due_on date not null,
  terms text,
  subtotal_cents int not null default 0,
  tax_cents int not null default 0,
  total_cents int not null default 0,
  amount_paid_cents int not null default 0 check (amount_paid_cents >= 0),
  amount_due_cents int generated always as (total_cents - amount_paid_cents) stored,
  notes text,
  sent_at timestamptz,
  voided_at timestamptz,
  void_reason text,
  archived_at timestamptz,
  stripe_checkout_session_id text,
  stripe_payment_intent_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, number),
  check (due_on >= issued_on),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id)
);
create unique index invoices_one_per_ticket on invoices (tenant_id, ticket_id) where ticket_id is not null;
create index invoices_status on invoices (tenant_id, status, due_on);
create index invoices_contact on invoices (tenant_id, contact_id);
create trigger invoices_updated_at before update on invoices for each row execute function set_updated_at();

create table invoice_line_items (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  invoice_id uuid not null,
  service_id uuid,
  description text not null,
  quantity int not null default 1 check (quantity > 0),
  unit_price_cents int not null check (unit_price_cents >= 0),
  price_cents int generated always as (quantity * unit_price_cents) stored,
  tax_rate_bp int not null default 0 check (tax_rate_bp between 0 and 10000),
  tax_cents int not null default 0 check (tax_cents >= 0),
  position int not null default 0,
  primary key (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id)
);
create index invoice_line_items_invoice on invoice_line_items (tenant_id, invoice_id, position);

create table payments (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  invoice_id uuid not null,
  amount_cents int not null check (amount_cents > 0),
  method text not null check (method in ('cash', 'check', 'card', 'stripe', 'other')),
  reference text,
  received_at timestamptz not null default now(),
  external_event_id text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create unique index payments_external_event on payments (tenant_id, external_event_id) where external_event_id is not null;
create index payments_invoice on payments (tenant_id, invoice_id);

create table message_templates (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  kind text not null check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom')),
  name text not null check (length(trim(name)) > 0),
  subject text not null,
  body text not null,
  is_default boolean not null default false,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, name)
);
create unique index message_templates_default on message_templates (tenant_id, kind) where is_default and archived_at is null;
create trigger message_templates_updated_at before update on message_templates for each row execute function set_updated_at();

create table scheduled_messages (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  kind text not null check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom')),
  template_id uuid,
  subject text,
  body text,
  send_at timestamptz not null,
  status text not null default 'pending' check (status in ('pending', 'sent', 'cancelled', 'failed')),
  ticket_id uuid,
  invoice_id uuid,
  attempts int not null default 0,
  last_error text,
  sent_at timestamptz,
  provider_message_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, template_id) references message_templates (tenant_id, id),
  foreign key (tenant_id, ticket_id) references tickets (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create index scheduled_messages_due on scheduled_messages (status, send_at);
create index scheduled_messages_tenant on scheduled_messages (tenant_id, send_at);
create index scheduled_messages_contact on scheduled_messages (tenant_id, contact_id);
create trigger scheduled_messages_updated_at before update on scheduled_messages for each row execute function set_updated_at();

-- Sensitive data that was redacted: where and what kind, never the secret itself.
create table security_events (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  kind text not null,
  layer text not null check (layer in ('page', 'api', 'database')),
  entity_type text,
  entity_id uuid,
  field text,
  detail jsonb not null default '{}',
  actor_type text,
  actor_id uuid,
  request_id text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

-- Row level security, forced, on every new tenant table; the app role gets what it needs.
do $$
declare t text;
begin
  foreach t in array array['tenant_counters', 'addresses', 'contact_links', 'attributes', 'services', 'tickets',
    'ticket_technicians', 'ticket_line_items', 'leads', 'notes', 'waitlist_entries', 'invoices', 'invoice_line_items',
    'payments', 'message_templates', 'scheduled_messages', 'security_events'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_rows on %I using (tenant_id = app_tenant()) with check (tenant_id = app_tenant())', t);
    execute format('grant select, insert, update, delete on %I to crm_app', t);
  end loop;
end $$;
revoke update, delete on security_events from crm_app;
