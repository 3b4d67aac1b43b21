-- Invoices, payments and the waitlist: rules the database keeps even when application code forgets them.

-- An invoice's stored amounts always add up, and it is never paid more than its total.
alter table invoices
  add constraint invoices_total_adds_up check (total_cents = subtotal_cents + tax_cents),
  add constraint invoices_not_overpaid check (amount_paid_cents <= total_cents);

-- Only a draft invoice's lines change; once sent, paid or void they are a record.
create function refuse_issued_invoice_line_change() returns trigger language plpgsql as $$
declare invoice_status text;
begin
  select i.status into invoice_status from invoices i
  where i.tenant_id = coalesce(new.tenant_id, old.tenant_id) and i.id = coalesce(new.invoice_id, old.invoice_id);
  if invoice_status is distinct from 'draft' then
    raise exception 'invoice is % and its line items cannot change', invoice_status using errcode = 'CR001';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;
create trigger invoice_line_items_draft_only before insert or update or delete on invoice_line_items
  for each row execute function refuse_issued_invoice_line_change();

-- The ticket a waitlist entry was scheduled into.
alter table waitlist_entries
  add column ticket_id uuid,
  add foreign key (tenant_id, ticket_id) references tickets (tenant_id, id);

-- One open entry per contact and service (or per contact, for entries without a service).
create unique index waitlist_one_open_per_service on waitlist_entries
  (tenant_id, contact_id, coalesce(service_id, '00000000-0000-0000-0000-000000000000'::uuid))
  where status in ('waiting', 'offered');
