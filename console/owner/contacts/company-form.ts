import type { z } from 'zod'
import type { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { form, html, type SafeHtml } from '../../html.js'
import { field } from '../../form-kit.js'

type Contact = z.output<typeof contactsQuery.record>

/** The company fields the form offers, with their labels. */
const COMPANY_TEXTS = [
  ['legal_name', 'Legal name'],
  ['industry', 'Industry'],
  ['website', 'Website (https://...)'],
  ['tax_id', 'Tax id (EIN)'],
] as const
/** The billing address fields, named billing.<field> on the form. */
const BILLING_TEXTS = [
  ['line1', 'Street address'],
  ['line2', 'Suite, department (optional)'],
  ['city', 'Town or city'],
  ['state', 'State'],
  ['postal_code', 'Postal code'],
  ['country', 'Country (two letters)'],
] as const

/** The form that sets an organization's company fields; blank clears one, all-blank billing fields clear the address. */
export function companyForm(c: Contact, csrf: string): SafeHtml {
  const b = c.billing_address
  const box = (name: string, label: string, value: string | null | undefined) =>
    html`<label>${label}<input name="${name}" value="${value ?? ''}"></label>`
  return html`<details><summary>Edit company details</summary>${form(
    `/customers/${c.id}/company`,
    csrf,
    html`${COMPANY_TEXTS.map(([name, label]) =>
      box(name, label, c[name]),
    )}<fieldset class="card"><legend>Billing address (optional)</legend>${BILLING_TEXTS.map(([name, label]) =>
      box(`billing.${name}`, label, b?.[name] ?? (name === 'country' ? 'US' : '')),
    )}</fieldset>
<button class="second">Save company details</button>`,
  )}</details>`
}

/** contact.update's input from the company form: blanks clear a field; billing address only when a street, town or code is typed. */
export function companyInputOf(contactId: string, body: Record<string, string>): Record<string, unknown> {
  const text = (name: string) => field(body, name)
  const input: Record<string, unknown> = { contact_id: contactId }
  for (const [name] of COMPANY_TEXTS) input[name] = text(name) || null
  const billing = Object.fromEntries(BILLING_TEXTS.map(([name]) => [name, text(`billing.${name}`)]).filter(([, v]) => v !== ''))
  const typed = ['line1', 'line2', 'city', 'state', 'postal_code'].some((name) => billing[name])
  input.billing_address = typed ? billing : null
  return input
}
