-- Invoice emails and reminders carry the way to pay as one block the product writes from the invoice and the owner's
-- settings ({{how_to_pay}}): where a template wrote the pay link and the payment instructions itself, the block takes
-- their place, so they are not said twice.
update message_templates
set body = regexp_replace(body, 'Pay online: \{\{\s*payment_link\s*\}\}\n\{\{\s*payment_instructions\s*\}\}', '{{how_to_pay}}')
where kind in ('invoice', 'invoice_reminder') and body ~ 'Pay online: \{\{\s*payment_link\s*\}\}\n\{\{\s*payment_instructions\s*\}\}';
