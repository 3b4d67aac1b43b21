import { renderTemplate, type TemplateValues, variablesIn } from '../../text/templating.js'
import type { MessageKind } from './model.js'
import { howWeTakeMoney } from '../settings/ways-to-pay.js'

/**
 * The kinds of email that ask a customer to pay, each with the words of its payment block: what is due and how to pay,
 * from the invoice and the owner's settings only. A template places it with {{how_to_pay}}; where it does not, the
 * block is added at the end, so no template, custom text or note can leave a customer without the owner's way to pay.
 */
const BLOCKS: Partial<Record<MessageKind, string>> = {
  invoice: `How to pay {{business_name}}
Amount due: {{amount_due}}, due {{invoice_due_date}} (invoice {{invoice_number}})
{{autopay_note}}
Pay online: {{payment_link}}
{{payment_instructions}}`,
  invoice_reminder: `How to pay {{business_name}}
Amount due: {{amount_due}}, due {{invoice_due_date}} (invoice {{invoice_number}})
Pay online: {{payment_link}}
{{payment_instructions}}`,
  quote: `How you will pay {{business_name}}, once you accept
{{payment_instructions}}`,
  quote_follow_up: `How you will pay {{business_name}}, once you accept
{{payment_instructions}}`,
}

/** The due line of an invoice's payment block once the invoice is past due: it says overdue, by how long, and what is still due. */
const OVERDUE_LINE = 'Amount due: {{amount_due}}, {{days_overdue}} overdue (it was due {{invoice_due_date}}; invoice {{invoice_number}})'

/** The placeholder that places the payment block in a template. */
const PLACE = /\{\{\s*how_to_pay\s*\}\}/

/** The body of a kind's template with its payment block placed: where the template puts it, else after everything else. */
export function withPaymentBlock(kind: MessageKind | undefined, body: string): string {
  if (!kind || !BLOCKS[kind] || PLACE.test(body)) return body
  return `${body.trimEnd()}\n\n{{how_to_pay}}`
}

/** The payment block of a kind of email with the values of one message; empty for a kind without one or with no way to pay yet. */
export function paymentBlock(kind: MessageKind | undefined, values: TemplateValues): string {
  const words = kind ? BLOCKS[kind] : undefined
  if (!words) return ''
  const way = [values.payment_link, values.payment_instructions].some((v) => String(v ?? '').trim())
  if (!way) return ''
  const late = String(values.days_overdue ?? '').trim() !== ''
  const block = renderTemplate(late ? words.replace(/^Amount due: .*$/m, OVERDUE_LINE) : words, values)
  return `${block.trimEnd()}\n${howWeTakeMoney(String(values.business_name ?? ''), 'above')}`
}

/**
 * A body with the line that says how the business takes money: under the payment block when the email has one (the
 * block carries it), else at the end, so every customer email says it.
 */
export function withMoneyLine(body: string, block: string): string {
  return block ? body : `${body.trimEnd()}\n\n${howWeTakeMoney('{{business_name}}', 'on its invoices')}`
}

/** The variables a kind's payment block reads (none for a kind without one). */
export function paymentBlockVariables(kind: MessageKind | undefined): string[] {
  const words = kind ? BLOCKS[kind] : undefined
  return words ? variablesIn(words) : []
}
