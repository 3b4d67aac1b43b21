-- Orders: the work a customer agreed to by accepting a quote. An order carries the accepted quote's lines (which never
-- change again), is booked as one ticket per visit, is fulfilled when its visits are done, and is billed once.
create table orders (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  number text not null,
  quote_id uuid not null,
  contact_id uuid not null,
  status text not null default 'pending_fulfilment'
    check (status in ('pending_fulfilment', 'in_progress', 'fulfilled', 'invoiced', 'cancelled')),
  currency text not null,
  subtotal_cents int not null check (subtotal_cents >= 0),
  tax_cents int not null check (tax_cents >= 0),
  total_cents int not null check (total_cents >= 0),
  invoice_id uuid,
  fulfilled_at timestamptz,
  invoiced_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text check (length(cancel_reason) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, number),
  unique (tenant_id, quote_id),
  check (total_cents = subtotal_cents + tax_cents),
  check ((status = 'invoiced') = (invoice_id is not null)),
  foreign key (tenant_id, quote_id) references quotes (tenant_id, id),
  foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create index orders_recent on orders (tenant_id, created_at desc);
create index orders_contact on orders (tenant_id, contact_id, created_at desc);
create index orders_status on orders (tenant_id, status, created_at desc);
create trigger orders_updated_at before update on orders for each row execute function set_updated_at();
create trigger orders_redact_cancel_reason before insert or update of cancel_reason on orders
  for each row execute function redact_sensitive_column('cancel_reason', 'order');
alter table orders enable row level security;
alter table orders force row level security;
create policy tenant_rows on orders using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert, update on orders to crm_app;

-- An invoiced or cancelled order is a record: it never changes again.
create function refuse_settled_order_change() returns trigger language plpgsql as $$
begin
  if old.status in ('invoiced', 'cancelled') then
    raise exception 'order % is % and cannot change', old.number, old.status using errcode = 'CR001';
  end if;
  return new;
end $$;
create trigger orders_settled_never_change before update on orders
  for each row execute function refuse_settled_order_change();

-- The visits an order was booked as.
alter table tickets
  add column order_id uuid,
  add foreign key (tenant_id, order_id) references orders (tenant_id, id);
create index tickets_order on tickets (tenant_id, order_id) where order_id is not null;
