-- Invoices past due with money still owed, by due date: the overdue list and its total read these rows only, never every invoice.
create index invoices_overdue on invoices (tenant_id, due_on) where status not in ('void', 'paid') and amount_due_cents > 0;
