-- The numbers page sums a month at a time: invoices by the day they were issued, payments by the moment they arrived.
-- (Completed visits by their start use tickets_start.)
create index invoices_issued on invoices (tenant_id, issued_on);
create index payments_received on payments (tenant_id, received_at);
