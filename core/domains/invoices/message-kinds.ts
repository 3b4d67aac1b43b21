import { longDate } from '../../text/date-words.js'
import type { TemplateSamples } from '../messages/message-kind.js'
import type { Queryable } from '../../db/types.js'
import { dayWords } from '../../text/date-words.js'
import type { TemplateValues } from '../../text/templating.js'
import { formatMoney } from '../../vocabulary/money.js'
import { invoiceDueWords } from '../messages/invoice-due.js'
import {
  followUpHold,
  type KindDeclaration,
  type KindHold,
  type KindMessage,
  type RecordValues,
  type ValuesMoment,
  type TemplateVariables,
} from '../messages/message-kind.js'

/** An invoice's email does not go once it is paid. */
async function invoiceHold(tx: Queryable, m: KindMessage): Promise<KindHold | null> {
  const i = (await tx.query<{ number: string; status: string }>('select number, status from invoices where id = $1', [m.invoice_id]))
    .rows[0]
  return i?.status === 'paid' ? { cancel: `invoice ${i.number} is already paid` } : null
}

/** The invoice's email and the reminder that chases it. */
export const messageKinds: readonly KindDeclaration[] = [
  {
    kind: 'invoice',
    label: 'Invoice',
    // The pay link is the business's own page for this invoice, rendered by the product; a text carries no other way to pay.
    text: {
      words: '{{business_name}}: invoice {{invoice_number}} for {{amount_due}}. See and pay it here: {{invoice_link}}',
      consent: 'service',
    },
    template: {
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
    holdBack: invoiceHold,
  },
  {
    kind: 'invoice_reminder',
    label: 'Invoice reminder',
    template: {
      name: 'Default invoice reminder',
      subject: 'Reminder: invoice {{invoice_number}} from {{business_name}} {{invoice_due_status}}',
      body: `Hi {{customer_first_name}},

A friendly reminder that invoice {{invoice_number}} {{invoice_due_status}}, with {{amount_due}} still due.

{{how_to_pay}}

{{custom_message}}

If you have already paid, thank you, and please ignore this email.
{{business_name}}`,
    },
    holdBack: followUpHold,
  },
]

/**
 * An invoice as its emails show it: number, lines, subtotal, tax, total, amount due, due date, and how late it is on the
 * day the email goes.
 */
async function invoiceValues(tx: Queryable, invoiceId: string, { sendDay }: ValuesMoment): Promise<TemplateValues> {
  const i = await tx.query<{
    number: string
    owed: boolean
    subtotal_cents: number
    tax_cents: number
    total_cents: number
    amount_due_cents: number
    currency: string
    due_on: string
  }>(
    `select number, subtotal_cents, tax_cents, total_cents, amount_due_cents, currency, due_on::text as due_on,
            amount_due_cents > 0 and status not in ('void', 'paid') as owed
     from invoices where id = $1`,
    [invoiceId],
  )
  const invoice = i.rows[0]
  if (!invoice) return {}
  const lines = await tx.query<{ description: string; quantity: number; unit_price_cents: number; price_cents: number }>(
    `select description, quantity, unit_price_cents, price_cents from invoice_line_items where invoice_id = $1
     order by position, id`,
    [invoiceId],
  )
  const money = (cents: number) => formatMoney(cents, invoice.currency)
  return {
    invoice_number: invoice.number,
    invoice_lines: lines.rows
      .map((l) => `${l.description}${l.quantity > 1 ? ` × ${l.quantity} at ${money(l.unit_price_cents)}` : ''}: ${money(l.price_cents)}`)
      .join('\n'),
    invoice_subtotal: money(invoice.subtotal_cents),
    invoice_tax: money(invoice.tax_cents),
    invoice_total: money(invoice.total_cents),
    amount_due: money(invoice.amount_due_cents),
    invoice_due_date: dayWords(invoice.due_on),
    ...invoiceDueWords(invoice.due_on, sendDay, invoice.owed),
  }
}

/** What an invoice gives the template of any message about it. */
export const messageValues: readonly RecordValues[] = [{ column: 'invoice_id', values: invoiceValues }]

/** The variables this domain fills in the templates of its emails, with what each holds when a message is rendered. */
export const templateVariables: TemplateVariables = {
  invoice_number: 'The related invoice number, e.g. INV-2026-0007',
  amount_due: 'The amount still due on the related invoice with its currency, e.g. $125.00',
  invoice_due_date: "The related invoice's due date, e.g. March 18, 2026",
  invoice_due_status:
    "Where the related invoice stands on the day the message goes, as words after its number: 'is due March 18, 2026', " +
    "'is due today, March 18, 2026', or 'is 12 days overdue (it was due March 3, 2026)'",
  days_overdue:
    'How long the related invoice is past its due date on the day the message goes (business time zone), e.g. 12 days; ' +
    'empty when it is not overdue',
  invoice_lines:
    "The related invoice's lines, one a line: description, quantity and unit price when more than one, price, e.g. Screen Cleaning × 4 at $5.00: $20.00",
  invoice_subtotal: "The related invoice's subtotal before tax, e.g. $115.00",
  invoice_tax: "The related invoice's tax, e.g. $9.49",
  invoice_total: "The related invoice's total with tax, e.g. $124.49",
  payment_link:
    "A link to pay the related invoice online, the invoice's page with its Pay button (made when the message is sent; " +
    'empty while online payments are off)',
  invoice_link:
    "A link to the related invoice's page: its lines, what was paid and what is due, Pay when online payments are on, " +
    'and the invoice as a PDF (made when the message is sent)',
}

/** Made-up values of this domain's variables, for a template preview without a real customer. */
export const templateSamples: TemplateSamples = ({ settings, start }) => {
  const money = (cents: number) => formatMoney(cents, settings.currency)
  const due = longDate(start, settings.timezone, false)
  return {
    invoice_number: `${settings.invoice_prefix}-0007`,
    amount_due: money(12_500),
    invoice_due_date: due,
    invoice_due_status: `is due ${due}`,
    invoice_lines: [`Exterior Window Cleaning: ${money(10_000)}`, `Screen Cleaning × 3 at ${money(500)}: ${money(1500)}`].join('\n'),
    invoice_subtotal: money(11_500),
    invoice_tax: money(1000),
    invoice_total: money(12_500),
    payment_link: '[payment link]',
    invoice_link: '[invoice link]',
  }
}
