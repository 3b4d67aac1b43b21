-- Recurring revenue. A service plan in the catalog (its visits, price and cycle) is sold to a customer at an address;
-- the customer accepts it by an emailed link and saves a card through Stripe Checkout in setup mode, so no card number
-- ever reaches this server: only the card's brand, last four, expiry and the mandate the customer agreed to are kept.
-- A recurring invoice issues itself each cycle (a plan's, or a contract's without visits); our invoices stay the one
-- record. An invoice marked autopay (and every invoice of a customer who opted in) is charged off-session on its due
-- date, each attempt a row whose idempotency key is derived from the invoice and the attempt's number, so no retry,
-- restart or second worker charges twice. Refunds are the owner's and kept beside the payment they return.

create table plans (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 120),
  description text,
  -- What each cycle includes: [{service_id, visits}], visits per cycle of that service.
  includes jsonb not null default '[]' check (jsonb_typeof(includes) = 'array'),
  price_cents int not null check (price_cents > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  cycle text not null check (cycle in ('monthly', 'quarterly', 'yearly')),
  term_cycles int not null check (term_cycles between 1 and 120),
  renews boolean not null default true,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index plans_name on plans (tenant_id, lower(name)) where archived_at is null;

create table customer_plans (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  plan_id uuid not null,
  contact_id uuid not null,
  address_id uuid,
  -- The plan's terms as sold: a later change to the catalog does not reach it.
  name text not null,
  includes jsonb not null default '[]' check (jsonb_typeof(includes) = 'array'),
  price_cents int not null check (price_cents > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  cycle text not null check (cycle in ('monthly', 'quarterly', 'yearly')),
  term_cycles int not null check (term_cycles between 1 and 120),
  renews boolean not null,
  starts_on date not null,
  -- Visits: the time of day each starts, and who does them.
  visit_time text not null default '09:00' check (visit_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  technician_ids uuid[] not null default '{}',
  status text not null default 'proposed'
    check (status in ('proposed', 'sent', 'active', 'paused', 'cancelled', 'ended', 'declined')),
  sent_at timestamptz,
  accepted_at timestamptz,
  -- The words the customer agreed to when saving their card for the plan's charges.
  mandate_text text,
  paused_at timestamptz,
  cancelled_at timestamptz,
  cancel_note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, plan_id) references plans (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, address_id) references addresses (tenant_id, id)
);
create index customer_plans_contact on customer_plans (tenant_id, contact_id);
create index customer_plans_plan on customer_plans (tenant_id, plan_id);

alter table series add column customer_plan_id uuid,
  add foreign key (tenant_id, customer_plan_id) references customer_plans (tenant_id, id);
create index series_customer_plan on series (tenant_id, customer_plan_id) where customer_plan_id is not null;

-- A card saved through Checkout in setup mode. One is current per customer (replaced_at null); Stripe keeps the card.
create table saved_cards (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  stripe_customer_id text not null,
  payment_method_id text not null,
  brand text not null,
  last4 text not null check (last4 ~ '^[0-9]{4}$'),
  exp_month int not null check (exp_month between 1 and 12),
  exp_year int not null check (exp_year between 2000 and 2200),
  mandate_text text not null,
  setup_session_id text not null,
  saved_at timestamptz not null default now(),
  replaced_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, setup_session_id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade
);
create unique index saved_cards_current on saved_cards (tenant_id, contact_id) where replaced_at is null;

-- The customer asked that every invoice of theirs be charged to their saved card on its due date.
alter table contacts add column autopay_at timestamptz;

create table recurring_invoices (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  customer_plan_id uuid,
  -- The lines of each invoice, as invoice.create takes line_items.
  line_items jsonb not null check (jsonb_typeof(line_items) = 'array'),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  cycle text not null check (cycle in ('monthly', 'quarterly', 'yearly')),
  starts_on date not null,
  -- No invoice for a period starting on or after this date; null runs until ended.
  ends_on date,
  -- The first day of the next period to invoice.
  next_issue_on date not null,
  due_days int not null default 0 check (due_days between 0 and 90),
  notes text,
  status text not null default 'active' check (status in ('active', 'paused', 'ended')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, customer_plan_id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, customer_plan_id) references customer_plans (tenant_id, id),
  check (ends_on is null or ends_on > starts_on)
);
create index recurring_invoices_due on recurring_invoices (tenant_id, next_issue_on) where status = 'active';

alter table invoices add column recurring_invoice_id uuid,
  add column period_start date,
  add column autopay boolean not null default false,
  add foreign key (tenant_id, recurring_invoice_id) references recurring_invoices (tenant_id, id);
create unique index invoices_one_per_period on invoices (tenant_id, recurring_invoice_id, period_start)
  where recurring_invoice_id is not null;

-- Each try at charging an invoice to a saved card. The idempotency key is the invoice's and the attempt's: a worker
-- that dies mid-charge, or a second worker, sends the same key again and Stripe answers with the first charge.
create table autopay_attempts (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  invoice_id uuid not null,
  attempt int not null check (attempt between 1 and 20),
  idempotency_key text not null,
  saved_card_id uuid not null,
  amount_cents int not null check (amount_cents > 0),
  status text not null default 'charging'
    check (status in ('charging', 'succeeded', 'processing', 'declined', 'needs_customer', 'error')),
  payment_intent_id text,
  code text,
  decline_code text,
  message text,
  -- When a declined attempt is tried again (business-local date), if it is.
  retry_on date,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, invoice_id, attempt),
  unique (tenant_id, idempotency_key),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
  foreign key (tenant_id, saved_card_id) references saved_cards (tenant_id, id)
);
create index autopay_attempts_open on autopay_attempts (tenant_id, retry_on) where retry_on is not null;

-- Links a customer opens to save a card: to accept a plan, or to replace a card that was declined.
create table card_links (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  contact_id uuid not null,
  purpose text not null check (purpose in ('accept_plan', 'update_card')),
  customer_plan_id uuid,
  invoice_id uuid,
  token_hash text not null,
  checkout_session_id text,
  used_at timestamptz,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
  foreign key (tenant_id, customer_plan_id) references customer_plans (tenant_id, id) on delete cascade,
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete cascade,
  check ((purpose = 'accept_plan') = (customer_plan_id is not null))
);

create table refunds (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  payment_id uuid not null,
  invoice_id uuid not null,
  amount_cents int not null check (amount_cents > 0),
  reason text,
  -- Stripe's refund, when the payment was made through Stripe; a refund given by hand has none.
  stripe_refund_id text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, payment_id) references payments (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create index refunds_payment on refunds (tenant_id, payment_id);
alter table payments add column refunded_cents int not null default 0 check (refunded_cents >= 0 and refunded_cents <= amount_cents);

do $$
declare t text;
begin
  foreach t in array array['plans', 'customer_plans', 'saved_cards', 'recurring_invoices', 'autopay_attempts', 'card_links',
    'refunds'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_rows on %I using (tenant_id = app_tenant()) with check (tenant_id = app_tenant())', t);
    execute format('grant select, insert, update, delete on %I to crm_app', t);
  end loop;
end $$;
create trigger plans_updated_at before update on plans for each row execute function set_updated_at();
create trigger customer_plans_updated_at before update on customer_plans for each row execute function set_updated_at();
create trigger recurring_invoices_updated_at before update on recurring_invoices for each row execute function set_updated_at();

alter table secret_lookups drop constraint secret_lookups_kind_check;
alter table secret_lookups add constraint secret_lookups_kind_check check (kind in ('agent_token', 'agent_token_prefix',
  'magic_link', 'session', 'oauth_code', 'oauth_token', 'calendar_feed', 'pay_link', 'response_link', 'slot_offer',
  'approval_link', 'reach_out_stop', 'card_link'));
create trigger card_links_card_link_lookup after insert or delete or update of token_hash, tenant_id
  on card_links for each row execute function keep_secret_lookup('card_link', 'token_hash');

-- The businesses with invoices to issue or charge: the worker reads no business's rows before it knows which to open.
do $$ begin
  execute format('create policy recurring_scan on recurring_invoices for select to %I using (app_lookup(''money_scan'') = ''on'')', current_user);
  execute format('create policy autopay_scan on invoices for select to %I using (app_lookup(''money_scan'') = ''on'')', current_user);
  execute format('create policy autopay_scan on contacts for select to %I using (app_lookup(''money_scan'') = ''on'')', current_user);
end $$;
create function tenants_with_money_due(p_through date) returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_money_scan', 'on', true);
  return query
    select r.tenant_id from recurring_invoices r where r.status = 'active' and r.next_issue_on <= p_through
    union
    select i.tenant_id from invoices i
    where i.status in ('sent', 'partially_paid', 'overdue') and i.due_on <= p_through and i.amount_due_cents > 0
      and (i.autopay or exists (select 1 from contacts c where c.tenant_id = i.tenant_id and c.id = i.contact_id and c.autopay_at is not null));
  perform set_config('app.lookup_money_scan', '', true);
end $$;
revoke all on function tenants_with_money_due(date) from public;
grant execute on function tenants_with_money_due(date) to crm_worker;

-- Two emails: a service plan offered for the customer to accept, and a request to save (or replace) a card. Each carries
-- a card link made when it is sent.
alter table scheduled_messages add column customer_plan_id uuid,
  add foreign key (tenant_id, customer_plan_id) references customer_plans (tenant_id, id) on delete set null;
alter table scheduled_messages drop constraint scheduled_messages_kind_check;
alter table scheduled_messages add constraint scheduled_messages_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote',
                  'invoice_reminder', 'quote_follow_up', 'review_request', 'moved', 'plan_offer', 'card_request'));
alter table scheduled_messages add constraint scheduled_messages_plan_offer check (kind <> 'plan_offer' or customer_plan_id is not null);
alter table message_templates drop constraint message_templates_kind_check;
alter table message_templates add constraint message_templates_kind_check
  check (kind in ('confirmation', 'reminder', 'follow_up', 'reach_out', 'invoice', 'custom', 'quote',
                  'invoice_reminder', 'quote_follow_up', 'review_request', 'moved', 'plan_offer', 'card_request'));
