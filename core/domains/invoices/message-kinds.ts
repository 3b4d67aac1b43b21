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
