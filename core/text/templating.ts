import type { FieldIssue } from '../kernel/errors.js'
import { lookupTable } from '../kernel/lookup-table.js'

/**
 * Every variable a message template may use, with what it holds when a message is rendered. A value the system does
 * not know for a message (no appointment, no invoice, a link made only at delivery) renders as empty text.
 */
export const TEMPLATE_VARIABLES = lookupTable({
  customer_name: "The contact's display name, e.g. Jane Smith",
  customer_first_name: "The contact's first name (the first word of the display name when none is stored)",
  business_name: "The business's name from its settings",
  business_email: "The business's reply-to email address from its settings",
  reply_invitation:
    "'Reply to this email with a few days and times that suit you.' when the business has a reply-to address (settings " +
    'reply_to_email); empty otherwise, and its line dropped, so no email asks for a reply that would reach nobody',
  appointment_date: "The appointment's date in the business's time zone, e.g. Tuesday, March 3, 2026",
  appointment_time: "The appointment's start time in the business's time zone, e.g. 9:00 AM",
  previous_appointment_date:
    "In an email saying a visit moved: the date it had before, in the business's time zone, e.g. Monday, March 2, 2026",
  previous_appointment_time: 'In an email saying a visit moved: the start time it had before, e.g. 9:00 AM',
  appointment_end_time: "The appointment's end time in the business's time zone, e.g. 11:00 AM",
  appointment_address: 'The service address of the appointment on one line, e.g. 123 Oak St, Huntsville, AL 35801',
  services: "The appointment's line items as a comma-separated list, e.g. Exterior Window Cleaning, Screen Cleaning",
  appointment_price:
    "The appointment's price with tax, with 'Estimated' beside it when it was booked with an estimated price to be " +
    'confirmed on site, e.g. $184.03 (Estimated); empty when it has no priced line (its line dropped, with a short label)',
  custom_message: 'The custom text written for this one message (empty when none was given)',
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
  payment_instructions: "The business's payment instructions from its settings",
  autopay_note:
    "When the related invoice will be charged to the customer's saved card on its due date (not tried yet): 'It will be " +
    "charged to your Visa ending 4242 on December 10, 2026: nothing to do.'; empty otherwise",
  how_to_pay:
    "The way to pay, from the invoice and the business's settings only: the amount due and due date, the pay link and the " +
    'payment instructions (for quotes: the payment instructions). Invoice, reminder and quote emails always carry it: a ' +
    'template that does not place it gets it at the end',
  confirm_link: 'A link the customer clicks to confirm the appointment (made when the message is sent)',
  decline_link: 'A link the customer clicks to decline the appointment (made when the message is sent)',
  change_link: 'A link the customer clicks to ask for a different time (made when the message is sent)',
  quote_number: 'The related quote number, e.g. Q-2026-0003',
  quote_total: "The related quote's total with its currency, e.g. $432.00",
  quote_valid_until: 'The last day the related quote may be accepted, e.g. March 18, 2026',
  quote_accept_link: 'A link the customer clicks to see the quote and accept it (made when the message is sent)',
  quote_decline_link: 'A link the customer clicks to see the quote and decline it (made when the message is sent)',
  last_service_date: "The date of the contact's last completed appointment, e.g. September 2, 2025",
  reach_out_months: 'Whole months from the last completed appointment to the send time, e.g. 6',
  stop_link:
    'A link the customer opens to stop reach-out emails (reach-out emails only; made when the message is sent). A reach-out ' +
    'template that does not place it gets it at the end',
  card_link:
    "A link the customer opens to save a card on Stripe's page: to accept the related service plan, or to replace a card " +
    'that was declined (service plan offers and card requests only; made when the message is sent)',
  plan_name: 'The related service plan, e.g. Monthly windows',
  plan_price: "The related service plan's price and cycle, e.g. $45.00 a month for 12 months, renewing",
  review_link: 'The page where customers review the business, from its settings (review_link), e.g. a Google review page',
} as const)

/** The name of a known template variable. */
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES

/** Values for rendering; a variable left out renders as empty text. */
export type TemplateValues = Partial<Record<TemplateVariable, string | number | null>>

/** A line's text around its placeholders that is only a label, e.g. "Pay online:" or "Address:". */
const LABEL = /^[^:.!?]{1,40}:$/

/** A placeholder: {{name}}, spaces inside the braces allowed. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g

/** The variable names a text uses, in order of first use. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))]
}

/** Problems with the placeholders of one field: unknown names (listing the known ones) and unbalanced braces. */
export function templateIssues(field: string, text: string): FieldIssue[] {
  const issues: FieldIssue[] = []
  const unknown = variablesIn(text).filter((name) => !(name in TEMPLATE_VARIABLES))
  if (unknown.length) {
    issues.push({
      field,
      message:
        `unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `{{${n}}}`).join(', ')}; ` +
        `known variables: ${Object.keys(TEMPLATE_VARIABLES).join(', ')}`,
    })
  }
  const rest = text.replace(PLACEHOLDER, '')
  if (rest.includes('{{') || rest.includes('}}')) {
    issues.push({ field, message: 'has unbalanced braces: write a variable as {{name}}, e.g. {{customer_first_name}}' })
  }
  return issues
}

/**
 * Fills the {{variables}} of a text with plain values, in one pass: a value is inserted as written and never read
 * for placeholders again, and nothing in a template is evaluated. A line that held only placeholders which all
 * rendered empty is dropped (with
 * the blank line it would leave doubled), so an absent optional value leaves no gap; so is a line of a short label and
 * placeholders that all rendered empty ("Pay online: {{payment_link}}" when there is no link).
 *
 * The output is plain text. Escaping it for HTML is the job of the email layer that puts it into HTML.
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  const out: string[] = []
  let dropped = false
  for (const line of text.split('\n')) {
    const rendered = line.replace(PLACEHOLDER, (_, name: string) => placeholderValue(values, name))
    const rest = line.replace(PLACEHOLDER, '').trim()
    const usesPlaceholders = rest !== line.trim()
    const allEmpty = [...line.matchAll(PLACEHOLDER)].every((m) => placeholderValue(values, m[1]).trim() === '')
    // "Pay online: {{payment_link}}" with no link says nothing: a short label before empty values goes with them.
    if (usesPlaceholders && allEmpty && (rest === '' || LABEL.test(rest))) {
      dropped = true
      continue
    }
    // A dropped line between two blank lines would leave a double gap: keep one.
    if (dropped && rendered.trim() === '' && out.length && out[out.length - 1].trim() === '') continue
    dropped = false
    out.push(rendered)
  }
  return out.join('\n')
}

function placeholderValue(values: TemplateValues, name: string): string {
  if (!Object.hasOwn(values, name)) return ''
  const value = values[name as TemplateVariable]
  return value === null || value === undefined ? '' : String(value)
}
