-- The businesses with a sent quote close to its valid_until (a follow-up to make) or past it (to mark expired). The
-- UTC date gives a day's margin either way; the worker decides each business's own "today" in that business's
-- transaction, where it makes the follow-ups and marks the quotes, audited there.
create function tenants_with_quotes_to_chase(p_now timestamptz) returns table (tenant_id uuid)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform set_config('app.lookup_quote_scan', 'on', true);
  return query
    select distinct q.tenant_id from quotes q
    where q.status = 'sent'
      and (q.valid_until <= (p_now at time zone 'UTC')::date
           or (q.follow_up_interaction_id is null and q.valid_until <= (p_now at time zone 'UTC')::date + 3));
  perform set_config('app.lookup_quote_scan', '', true);
end $$;
revoke all on function tenants_with_quotes_to_chase(timestamptz) from public;
grant execute on function tenants_with_quotes_to_chase(timestamptz) to crm_worker;

-- As for the worker's other scans: rows are admitted only to the function's owner while its lookup flag is set.
do $$ begin
  execute format('create policy quote_scan on quotes for select to %I using (app_lookup(''quote_scan'') = ''on'')', current_user);
end $$;

-- A quote may ask for a deposit, as an amount or a share of its total, when the business takes payments online. The
-- order keeps the amount asked, its Stripe checkout and what was paid; the payment is credited on the order's invoice.
alter table quotes
  add column deposit_cents int check (deposit_cents > 0),
  add column deposit_percent int check (deposit_percent between 1 and 100),
  add constraint quotes_one_deposit check (num_nonnulls(deposit_cents, deposit_percent) <= 1);
alter table orders
  add column deposit_cents int not null default 0 check (deposit_cents >= 0),
  add column deposit_paid_cents int not null default 0 check (deposit_paid_cents >= 0),
  add column deposit_paid_at timestamptz,
  add column deposit_reference text,
  add column deposit_checkout_session_id text,
  add column deposit_checkout_url text,
  add column deposit_checkout_expires_at timestamptz,
  add constraint orders_deposit_within_total check (deposit_cents <= total_cents);
-- A Stripe event is about an invoice or, for a deposit, an order.
alter table stripe_events
  alter column invoice_id drop not null,
  add column order_id uuid,
  add foreign key (tenant_id, order_id) references orders (tenant_id, id),
  add constraint stripe_events_one_subject check (num_nonnulls(invoice_id, order_id) = 1);
