import { writeAuditMany } from '../../kernel/audit.js'
import type { Actor } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { MESSAGE_KINDS, TEMPLATE_COLUMNS, type MessageKind, type MessageTemplate } from './model.js'

/** The words of one template. */
export interface TemplateText {
  name: string
  subject: string
  body: string
}

/** The end of the emails that ask the customer to answer for an appointment: where, what, the price and the three links. */
const ASKS_FOR_AN_ANSWER = `Address: {{appointment_address}}
Services: {{services}}
Price: {{appointment_price}}

{{custom_message}}

Confirm this time: {{confirm_link}}
Need a different time? {{change_link}}
Cannot make it? {{decline_link}}

Thank you,
{{business_name}}`

/**
 * The templates every business starts with, one per kind, worded for any service business that visits its customers.
 * They are also the built-in text used for a kind that a business has no default template for.
 */
export const DEFAULT_TEMPLATES: Record<MessageKind, TemplateText> = {
  confirmation: {
    name: 'Default confirmation',
    subject: 'Please confirm your appointment on {{appointment_date}}',
    body: `Hi {{customer_first_name}},

You are scheduled with {{business_name}} on {{appointment_date}} at {{appointment_time}}.
${ASKS_FOR_AN_ANSWER}`,
  },
  reminder: {
    name: 'Default reminder',
    subject: 'Reminder: {{business_name}} is coming on {{appointment_date}}',
    body: `Hi {{customer_first_name}},

This is a friendly reminder that {{business_name}} will be at {{appointment_address}} on {{appointment_date}} at {{appointment_time}}.
Services: {{services}}
Price: {{appointment_price}}

{{custom_message}}

Need a different time? {{change_link}}

See you soon,
{{business_name}}`,
  },
  follow_up: {
    name: 'Default follow-up',
    subject: 'Reminder: please confirm your appointment on {{appointment_date}}',
    body: `Hi {{customer_first_name}},

We have not heard back about your appointment with {{business_name}} on {{appointment_date}} at {{appointment_time}}.
${ASKS_FOR_AN_ANSWER}`,
  },
  reach_out: {
    name: 'Default reach out',
    subject: 'Time for your next visit from {{business_name}}?',
    body: `Hi {{customer_first_name}},

It has been about {{reach_out_months}} months since our last visit on {{last_service_date}}.
Would you like us to schedule your next service?
{{reply_invitation}}

{{custom_message}}

Thank you,
{{business_name}}`,
  },
  invoice: {
    name: 'Default invoice',
    subject: 'Invoice {{invoice_number}} from {{business_name}}',
    body: `Hi {{customer_first_name}},

Here is invoice {{invoice_number}} for {{amount_due}}, due {{invoice_due_date}}.

{{invoice_lines}}
Subtotal: {{invoice_subtotal}}
Tax: {{invoice_tax}}
Total: {{invoice_total}}

{{how_to_pay}}
See the invoice online or as a PDF: {{invoice_link}}

{{custom_message}}

Thank you for your business,
{{business_name}}`,
  },
  quote: {
    name: 'Default quote',
    subject: 'Quote {{quote_number}} from {{business_name}}',
    body: `Hi {{customer_first_name}},

Here is our quote {{quote_number}} for {{quote_total}}, valid until {{quote_valid_until}}.

{{custom_message}}

See the details and accept: {{quote_accept_link}}
Not for you? {{quote_decline_link}}

Thank you,
{{business_name}}`,
  },
  invoice_reminder: {
    name: 'Default invoice reminder',
    subject: 'Reminder: invoice {{invoice_number}} from {{business_name}} {{invoice_due_status}}',
    body: `Hi {{customer_first_name}},

A friendly reminder that invoice {{invoice_number}} {{invoice_due_status}}, with {{amount_due}} still due.

{{how_to_pay}}

{{custom_message}}

If you have already paid, thank you, and please ignore this email.
{{business_name}}`,
  },
  quote_follow_up: {
    name: 'Default quote follow-up',
    subject: 'Your quote {{quote_number}} from {{business_name}} is valid until {{quote_valid_until}}',
    body: `Hi {{customer_first_name}},

Just checking in about our quote {{quote_number}} for {{quote_total}}. It is valid until {{quote_valid_until}}.

{{custom_message}}

See the details and accept: {{quote_accept_link}}
Not for you? {{quote_decline_link}}

Thank you,
{{business_name}}`,
  },
  review_request: {
    name: 'Default review request',
    subject: 'How did we do, {{customer_first_name}}?',
    body: `Hi {{customer_first_name}},

Thank you for choosing {{business_name}} for your visit on {{appointment_date}}.
If you were happy with our work, a short review helps us a lot: {{review_link}}

{{custom_message}}

Thank you,
{{business_name}}`,
  },
  moved: {
    name: 'Default visit moved',
    subject: 'Your appointment with {{business_name}} has moved to {{appointment_date}}',
    body: `Hi {{customer_first_name}},

We are sorry: we had to move your appointment with {{business_name}} from {{previous_appointment_date}} at {{previous_appointment_time}}
to {{appointment_date}} at {{appointment_time}}.
Address: {{appointment_address}}
Services: {{services}}
Price: {{appointment_price}}

{{custom_message}}

Does the new time work? {{confirm_link}}
Need a different time? {{change_link}}
Cannot make it? {{decline_link}}

Thank you,
{{business_name}}`,
  },
  plan_offer: {
    name: 'Default service plan offer',
    subject: 'Your {{plan_name}} plan with {{business_name}}',
    body: `Hi {{customer_first_name}},

Here is the {{plan_name}} plan we talked about: {{plan_price}}.
See what it includes, the dates of its charges and its terms, and accept it there: {{card_link}}

{{custom_message}}

Thank you,
{{business_name}}`,
  },
  card_request: {
    name: 'Default card request',
    subject: 'Please update your card for {{business_name}}',
    body: `Hi {{customer_first_name}},

{{custom_message}}

Save a card on Stripe's secure page (we never see its number): {{card_link}}

Thank you,
{{business_name}}`,
  },
  charge_notice: {
    name: 'Default charge notice',
    subject: 'Your card will be charged for invoice {{invoice_number}}',
    body: `Hi {{customer_first_name}},

Invoice {{invoice_number}} from {{business_name}} is {{amount_due}}. {{autopay_note}}

See the invoice: {{invoice_link}}

Thank you,
{{business_name}}`,
  },
  custom: {
    name: 'Default custom message',
    subject: 'A message from {{business_name}}',
    body: `Hi {{customer_first_name}},

{{custom_message}}

{{business_name}}`,
  },
}

/** Writes the default template of every kind for a new business, each one audited as created by the system: two statements in all. */
export async function insertDefaultTemplates(
  tx: Queryable,
  who: { tenantId: string; actor: Actor; requestId: string; reasoning: string | null },
): Promise<void> {
  const templates = MESSAGE_KINDS.map((kind) => ({ kind, ...DEFAULT_TEMPLATES[kind] }))
  const r = await tx.query<Record<string, unknown> & { id: string }>(
    `insert into message_templates (tenant_id, kind, name, subject, body, is_default)
    select $1, t.kind, t.name, t.subject, t.body, true from jsonb_to_recordset($2::jsonb) as t(kind text, name text, subject text, body text)
    returning ${TEMPLATE_COLUMNS}`,
    [who.tenantId, JSON.stringify(templates)],
  )
  await writeAuditMany(
    tx,
    who,
    r.rows.map((row) => ({ entityType: 'template', entityId: row.id, action: 'create', before: null, after: row })),
  )
}

/** The business's default template of a kind; the built-in text when it has none (e.g. it archived its default). */
export async function defaultTemplate(tx: Queryable, kind: MessageKind): Promise<MessageTemplate> {
  const r = await tx.query<{ id: string; name: string; subject: string; body: string }>(
    `select id, name, subject, body from message_templates where kind = $1 and is_default and archived_at is null`,
    [kind],
  )
  if (r.rows[0]) return { ...r.rows[0], kind, builtin: false }
  return { id: null, kind, ...DEFAULT_TEMPLATES[kind], builtin: true }
}
