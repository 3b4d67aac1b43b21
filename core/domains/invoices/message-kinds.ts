import type { Queryable } from '../../db/types.js'
import { followUpHold, type KindHold, type KindMessage, type KindDeclaration } from '../messages/message-kind.js'

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
