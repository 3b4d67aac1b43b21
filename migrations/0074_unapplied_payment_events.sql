-- A signed Stripe event that names one of the business's invoices or order deposits but cannot be applied (its amount or
-- currency does not fit, it cannot be read, the database cannot hold what it says) is acknowledged to Stripe, so it is
-- not retried for days, and kept here for the owner: why, and the amount and currency it carried. The amount is as
-- Stripe sent it, which may be more than a cents column of an invoice holds: hence bigint.
alter table stripe_events
  add column reason text check (length(reason) <= 2000),
  add column amount_cents bigint,
  add column currency text check (length(currency) <= 10);

-- The owner's list of events not applied, newest first.
create index stripe_events_unapplied on stripe_events (tenant_id, created_at desc) where outcome in ('refused', 'malformed');
