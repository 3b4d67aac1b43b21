-- Online payments through Stripe Checkout: the open checkout link of an invoice, the Stripe events already applied,
-- and the overdue scan the worker runs without a tenant.

-- The invoice's latest Checkout Session (its id is stripe_checkout_session_id): its URL, the amount it charges and
-- when Stripe expires it. The link is reused while it is open and charges what is still due.
alter table invoices
  add column stripe_checkout_url text,
  add column stripe_checkout_amount_cents int,
  add column stripe_checkout_expires_at timestamptz;

-- Every Stripe event applied to a business, once: a redelivered event finds its row and changes nothing.
create table stripe_events (
  tenant_id uuid not null references tenants (id),
  event_id text not null check (length(event_id) > 0),
  type text not null,
  invoice_id uuid not null,
  outcome text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, event_id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
alter table stripe_events enable row level security;
alter table stripe_events force row level security;
create policy tenant_rows on stripe_events using (tenant_id = app_tenant()) with check (tenant_id = app_tenant());
grant select, insert on stripe_events to crm_app;

-- Sent and partly paid invoices by due date: the overdue scan reads only these.
create index invoices_open_by_due on invoices (due_on) where status in ('sent', 'partially_paid');

-- The overdue scan must see every business's invoices and time zone. The policies below admit rows only to the role
-- that owns this function (the migrating role; never crm_app) and only while the function has set its lookup flag,
-- so the function works for an owner that is not a superuser, and the app role gains nothing.
do $$ begin
  execute format('create policy overdue_scan on invoices for select to %I using (app_lookup(''overdue_scan'') = ''on'')', current_user);
  execute format('create policy overdue_scan on tenants for select to %I using (app_lookup(''overdue_scan'') = ''on'')', current_user);
end $$;

-- The businesses with a sent or partly paid invoice that is past due in the business's own time zone at p_now. The
-- worker then marks each business's invoices inside that business's own transaction, audited there.
create function tenants_with_overdue_invoices(p_now timestamptz) returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_overdue_scan', 'on', true);
  return query
    select distinct i.tenant_id from invoices i join tenants t on t.id = i.tenant_id
    where i.status in ('sent', 'partially_paid') and i.amount_due_cents > 0 and i.due_on < (p_now at time zone t.timezone)::date;
  perform set_config('app.lookup_overdue_scan', '', true);
end $$;
revoke all on function tenants_with_overdue_invoices(timestamptz) from public;
grant execute on function tenants_with_overdue_invoices(timestamptz) to crm_app;
