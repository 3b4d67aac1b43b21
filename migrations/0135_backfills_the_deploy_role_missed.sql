-- Rewrites of existing rows that an installation migrated by a deploy role that is not a superuser (docs/deploy.md) ran
-- without effect before migrations saw every business's rows (forced row level security hid them from the tables' owner):
-- 0118's preferred times of leads from the request form and the invoice reminder's default words. Each is applied again
-- where it is still due; elsewhere it changes nothing.

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
