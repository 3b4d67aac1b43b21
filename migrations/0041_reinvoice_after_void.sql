-- A ticket has one invoice at a time, no longer one forever: an invoice voided by mistake or to correct it left the job
-- listed as not invoiced while a new invoice for it was refused. A void invoice stays, as the record it is.
drop index invoices_one_per_ticket;
create unique index invoices_one_live_per_ticket on invoices (tenant_id, ticket_id) where ticket_id is not null and status <> 'void';
