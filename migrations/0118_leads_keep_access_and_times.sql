-- A lead keeps what the customer said about getting in (a gate code, a dog, where to park) and when they would like the
-- visit, as fields of their own: converting the lead puts them on the customer (the address's access notes, the
-- scheduling preferences) and on the first visit booked, instead of leaving them in the raw notes only.
alter table leads add column access_notes text check (length(access_notes) <= 2000);
alter table leads add column preferred_times text check (length(preferred_times) <= 500);

-- Leads made with the request form before: the preferred times they gave move onto the lead.
update leads l set preferred_times = r.preferred_times
from lead_requests r
where r.tenant_id = l.tenant_id and r.lead_id = l.id and r.preferred_times is not null and l.preferred_times is null;

-- The invoice reminder says when an invoice is overdue and by how many days ({{invoice_due_status}}): a business's
-- default reminder still worded as first shipped takes the new words; one the owner changed is left as written.
update message_templates
set subject = 'Reminder: invoice {{invoice_number}} from {{business_name}} {{invoice_due_status}}',
    body = E'Hi {{customer_first_name}},\n\nA friendly reminder that invoice {{invoice_number}} {{invoice_due_status}}, with {{amount_due}} still due.\n\n{{how_to_pay}}\n\n{{custom_message}}\n\nIf you have already paid, thank you, and please ignore this email.\n{{business_name}}'
where kind = 'invoice_reminder' and is_default
  and subject = 'Reminder: invoice {{invoice_number}} from {{business_name}} is due {{invoice_due_date}}'
  and body = E'Hi {{customer_first_name}},\n\nA friendly reminder that invoice {{invoice_number}} has {{amount_due}} still due, due {{invoice_due_date}}.\n\n{{how_to_pay}}\n\n{{custom_message}}\n\nIf you have already paid, thank you, and please ignore this email.\n{{business_name}}';
