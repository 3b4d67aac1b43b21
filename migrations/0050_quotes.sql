-- Quotes: a price offered to a customer for work from the catalog, with its lines, tax and totals in cents, numbered
-- per business. A draft changes freely; once sent it waits for the customer's answer until valid_until; an answered,
-- expired or cancelled quote is a record that never changes again.
create table quotes (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  number text not null,
  contact_id uuid not null,
  status text not null default 'draft' check (status in ('draft', 'sent', 'accepted', 'declined', 'expired', 'cancelled')),
  currency text not null,
  valid_until date not null,
  tax_rate_bp int check (tax_rate_bp between 0 and 10000),
  notes text check (length(notes) <= 2000),
  subtotal_cents int not null default 0 check (subtotal_cents >= 0),
  tax_cents int not null default 0 check (tax_cents >= 0),
  total_cents int not null default 0 check (total_cents >= 0),
  sent_at timestamptz,
  answered_at timestamptz,
  customer_note text check (length(customer_note) <= 1000),
  expired_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text check (length(cancel_reason) <= 500),
  follow_up_interaction_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, number),
  check (total_cents = subtotal_cents + tax_cents),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, follow_up_interaction_id) references interactions (tenant_id, id)
);
create index quotes_recent on quotes (tenant_id, created_at desc);
create index quotes_contact on quotes (tenant_id, contact_id, created_at desc);
create index quotes_status on quotes (tenant_id, status, valid_until);
-- The worker's daily scan: sent quotes by the day they lapse, across businesses.
create index quotes_sent_until on quotes (valid_until) where status = 'sent';
create trigger quotes_updated_at before update on quotes for each row execute function set_updated_at();
create trigger quotes_redact_notes before insert or update of notes on quotes
  for each row execute function redact_sensitive_column('notes', 'quote');
create trigger quotes_redact_customer_note before insert or update of customer_note on quotes
  for each row execute function redact_sensitive_column('customer_note', 'quote');
create trigger quotes_redact_cancel_reason before insert or update of cancel_reason on quotes
  for each row execute function redact_sensitive_column('cancel_reason', 'quote');
alter table quotes enable row level security;
alter table quotes force row level security;
create policy tenant_rows on quotes using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on quotes to crm_app;

create table quote_line_items (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  quote_id uuid not null,
  service_id uuid,
  description text not null check (length(trim(description)) > 0),
  quantity int not null default 1 check (quantity > 0),
  unit_price_cents int not null check (unit_price_cents >= 0),
  price_cents int generated always as (quantity * unit_price_cents) stored,
  tax_rate_bp int not null default 0 check (tax_rate_bp between 0 and 10000),
  tax_cents int not null default 0 check (tax_cents >= 0),
  position int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, quote_id) references quotes (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id)
);
create index quote_line_items_quote on quote_line_items (tenant_id, quote_id, position);
create trigger quote_line_items_updated_at before update on quote_line_items for each row execute function set_updated_at();
create trigger quote_line_items_redact_description before insert or update of description on quote_line_items
  for each row execute function redact_sensitive_column('description', 'quote_line_item');
alter table quote_line_items enable row level security;
alter table quote_line_items force row level security;
create policy tenant_rows on quote_line_items using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update, delete on quote_line_items to crm_app;

-- Only a draft quote's lines change: what the customer was sent is what they answer, and what an order carries.
create function refuse_sent_quote_line_change() returns trigger language plpgsql as $$
declare quote_status text;
begin
  select q.status into quote_status from quotes q
  where q.tenant_id = coalesce(new.tenant_id, old.tenant_id) and q.id = coalesce(new.quote_id, old.quote_id);
  if quote_status is distinct from 'draft' then
    raise exception 'quote is % and its line items cannot change', quote_status using errcode = 'CR001';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;
create trigger quote_line_items_draft_only before insert or update or delete on quote_line_items
  for each row execute function refuse_sent_quote_line_change();

-- An answered, expired or cancelled quote never changes, whoever asks.
create function refuse_settled_quote_change() returns trigger language plpgsql as $$
begin
  if old.status in ('accepted', 'declined', 'expired', 'cancelled') then
    raise exception 'quote % is % and cannot change', old.number, old.status using errcode = 'CR001';
  end if;
  return new;
end $$;
create trigger quotes_settled_never_change before update on quotes
  for each row execute function refuse_settled_quote_change();
