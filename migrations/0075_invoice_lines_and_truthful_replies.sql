-- The default invoice email lists its lines, subtotal, tax and total; the default reach-out asks for a reply only when the
-- business has a reply-to address ({{reply_invitation}}), since a reply to the no-reply sender reaches nobody. A business
-- still on the wording it started with gets the new one; a template the owner changed stays as they wrote it.

update message_templates set body = 'Hi {{customer_first_name}},

Here is invoice {{invoice_number}} for {{amount_due}}, due {{invoice_due_date}}.

{{invoice_lines}}
Subtotal: {{invoice_subtotal}}
Tax: {{invoice_tax}}
Total: {{invoice_total}}

Pay online: {{payment_link}}
{{payment_instructions}}

{{custom_message}}

Thank you for your business,
{{business_name}}'
where kind = 'invoice' and name = 'Default invoice' and body = 'Hi {{customer_first_name}},

Here is invoice {{invoice_number}} for {{amount_due}}, due {{invoice_due_date}}.
Pay online: {{payment_link}}
{{payment_instructions}}

{{custom_message}}

Thank you for your business,
{{business_name}}';

update message_templates set body = 'Hi {{customer_first_name}},

It has been about {{reach_out_months}} months since our last visit on {{last_service_date}}.
Would you like us to schedule your next service?
{{reply_invitation}}

{{custom_message}}

Thank you,
{{business_name}}'
where kind = 'reach_out' and name = 'Default reach out' and body = 'Hi {{customer_first_name}},

It has been about {{reach_out_months}} months since our last visit on {{last_service_date}}.
Would you like us to schedule your next service? Reply to this email with a few days and times that suit you.

{{custom_message}}

Thank you,
{{business_name}}';
