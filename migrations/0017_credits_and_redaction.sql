-- Money received is never refused: a payment beyond the amount due (a customer paying twice, or more than asked) is
-- recorded, and the invoice shows it as a credit the owner refunds. The amount due is never negative.
alter table invoices drop constraint invoices_not_overpaid;
alter table invoices drop column amount_due_cents;
alter table invoices
  add column amount_due_cents int generated always as (greatest(total_cents - amount_paid_cents, 0)) stored,
  add column credit_cents int generated always as (greatest(amount_paid_cents - total_cents, 0)) stored;
