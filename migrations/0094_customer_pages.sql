-- What a customer's quote and invoice pages show of the business beside its name: a phone number to call and the logo
-- the owner uploaded (its bytes in the document store, named by their hash like a document's; its type kept to serve it).
alter table tenants add column phone text not null default '' check (length(phone) <= 40);
alter table tenants add column logo_sha256 text check (logo_sha256 ~ '^[0-9a-f]{64}$');
alter table tenants add column logo_content_type text check (logo_content_type in ('image/png', 'image/jpeg', 'image/webp'));
alter table tenants add constraint tenants_logo_whole check ((logo_sha256 is null) = (logo_content_type is null));

-- Appointment emails give the price, with "Estimated" beside one booked as an estimate; the invoice email links to the
-- invoice's page (lines, payments, Pay, PDF). A business still on the wording it started with gets the new one; a
-- template the owner changed stays as they wrote it.

update message_templates set body = 'Hi {{customer_first_name}},

You are scheduled with {{business_name}} on {{appointment_date}} at {{appointment_time}}.
Address: {{appointment_address}}
Services: {{services}}
Price: {{appointment_price}}

{{custom_message}}

Confirm this time: {{confirm_link}}
Need a different time? {{change_link}}
Cannot make it? {{decline_link}}

Thank you,
{{business_name}}'
where kind = 'confirmation' and name = 'Default confirmation' and body = 'Hi {{customer_first_name}},

You are scheduled with {{business_name}} on {{appointment_date}} at {{appointment_time}}.
Address: {{appointment_address}}
Services: {{services}}

{{custom_message}}

Confirm this time: {{confirm_link}}
Need a different time? {{change_link}}
Cannot make it? {{decline_link}}

Thank you,
{{business_name}}';

update message_templates set body = 'Hi {{customer_first_name}},

This is a friendly reminder that {{business_name}} will be at {{appointment_address}} on {{appointment_date}} at {{appointment_time}}.
Services: {{services}}
Price: {{appointment_price}}

{{custom_message}}

Need a different time? {{change_link}}

See you soon,
{{business_name}}'
where kind = 'reminder' and name = 'Default reminder' and body = 'Hi {{customer_first_name}},

This is a friendly reminder that {{business_name}} will be at {{appointment_address}} on {{appointment_date}} at {{appointment_time}}.
Services: {{services}}

{{custom_message}}

Need a different time? {{change_link}}

See you soon,
{{business_name}}';

update message_templates set body = 'Hi {{customer_first_name}},

We have not heard back about your appointment with {{business_name}} on {{appointment_date}} at {{appointment_time}}.
Address: {{appointment_address}}
Services: {{services}}
Price: {{appointment_price}}

{{custom_message}}

Confirm this time: {{confirm_link}}
Need a different time? {{change_link}}
Cannot make it? {{decline_link}}

Thank you,
{{business_name}}'
where kind = 'follow_up' and name = 'Default follow-up' and body = 'Hi {{customer_first_name}},

We have not heard back about your appointment with {{business_name}} on {{appointment_date}} at {{appointment_time}}.
Address: {{appointment_address}}
Services: {{services}}

{{custom_message}}

Confirm this time: {{confirm_link}}
Need a different time? {{change_link}}
Cannot make it? {{decline_link}}

Thank you,
{{business_name}}';

update message_templates set body = 'Hi {{customer_first_name}},

Here is invoice {{invoice_number}} for {{amount_due}}, due {{invoice_due_date}}.

{{invoice_lines}}
Subtotal: {{invoice_subtotal}}
Tax: {{invoice_tax}}
Total: {{invoice_total}}

Pay online: {{payment_link}}
{{payment_instructions}}
See the invoice online or as a PDF: {{invoice_link}}

{{custom_message}}

Thank you for your business,
{{business_name}}'
where kind = 'invoice' and name = 'Default invoice' and body = 'Hi {{customer_first_name}},

Here is invoice {{invoice_number}} for {{amount_due}}, due {{invoice_due_date}}.

{{invoice_lines}}
Subtotal: {{invoice_subtotal}}
Tax: {{invoice_tax}}
Total: {{invoice_total}}

Pay online: {{payment_link}}
{{payment_instructions}}

{{custom_message}}

Thank you for your business,
{{business_name}}';
