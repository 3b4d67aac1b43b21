import { form, html, type SafeHtml } from '../../html.js'
import { describedBy, fieldError, type FieldErrors } from '../../form-kit.js'

/** What the customer form holds, as typed (every value a string, '' when blank). */
export type CustomerFormValues = Record<string, string>

/** The address fields a new customer's form offers; all blank means no address. */
export const ADDRESS_FIELDS = [
  ['line1', 'Street address'],
  ['line2', 'Apartment, suite (optional)'],
  ['city', 'Town or city'],
  ['state', 'State'],
  ['postal_code', 'Postal code'],
  ['access_notes', 'Access notes: gate code, dog, parking (optional)'],
] as const

/** The values a contact shows on its edit form. */
export function valuesOfContact(c: {
  display_name: string
  kind: string
  email: string | null
  phone: string | null
  tags: string[]
}): CustomerFormValues {
  return { display_name: c.display_name, kind: c.kind, email: c.email ?? '', phone: c.phone ?? '', tags: c.tags.join(', ') }
}

/** The posted form's text fields, trimmed. */
export function valuesOfBody(body: Record<string, unknown>): CustomerFormValues {
  const out: CustomerFormValues = {}
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf') out[k] = v.trim()
  return out
}

/** Tags as typed, comma separated, without blanks. */
export function tagsOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
}

/** contact.create's input from the new-customer form: the address goes in with the contact, so both are stored or neither. */
export function createInput(v: CustomerFormValues): Record<string, unknown> {
  const address = Object.fromEntries(ADDRESS_FIELDS.map(([name]) => [name, v[`address.${name}`] ?? '']).filter(([, value]) => value !== ''))
  return {
    display_name: v.display_name ?? '',
    kind: v.kind === 'organization' ? 'organization' : 'person',
    ...(v.email ? { email: v.email } : {}),
    ...(v.phone ? { phone: v.phone } : {}),
    tags: tagsOf(v.tags),
    ...(Object.keys(address).length ? { addresses: [address] } : {}),
    allow_duplicate: v.allow_duplicate === 'yes',
  }
}

/** contact.update's input from the edit form: a blank email or phone removes it. */
export function updateInput(contactId: string, v: CustomerFormValues): Record<string, unknown> {
  return {
    contact_id: contactId,
    display_name: v.display_name ?? '',
    kind: v.kind === 'organization' ? 'organization' : 'person',
    email: v.email || null,
    phone: v.phone || null,
    tags: tagsOf(v.tags),
    allow_duplicate: v.allow_duplicate === 'yes',
  }
}

function input(
  errors: FieldErrors,
  values: CustomerFormValues,
  name: string,
  label: string,
  type = 'text',
  extra: SafeHtml = html``,
): SafeHtml {
  return html`<label>${label}<input type="${type}" name="${name}" value="${values[name] ?? ''}"${extra}${describedBy(errors, name)}></label>${fieldError(errors, name)}`
}

/** The customer form: name, kind, email, phone, tags, and on a new customer one address; errors shown at their fields. */
export function customerForm(opts: {
  action: string
  csrf: string
  values: CustomerFormValues
  errors: FieldErrors
  withAddress: boolean
  duplicate?: SafeHtml
  submit: string
  custom?: SafeHtml[]
}): SafeHtml {
  const { values: v, errors } = opts
  const kind = v.kind === 'organization' ? 'organization' : 'person'
  return form(
    opts.action,
    opts.csrf,
    html`${input(errors, v, 'display_name', 'Name', 'text', html` required autocomplete="off"`)}
<label>Kind<select name="kind"><option value="person"${kind === 'person' ? html` selected` : ''}>Person</option><option value="organization"${kind === 'organization' ? html` selected` : ''}>Company</option></select></label>
${input(errors, v, 'email', 'Email (optional)', 'email', html` autocomplete="off"`)}
${input(errors, v, 'phone', 'Phone (optional)', 'tel', html` autocomplete="off"`)}
${input(errors, v, 'tags', 'Tags, separated by commas (optional)')}
${
  opts.withAddress
    ? html`<fieldset class="card"><legend>Service address (optional)</legend>${ADDRESS_FIELDS.map(([name, label]) =>
        input(errors, v, `address.${name}`, label),
      )}</fieldset>`
    : ''
}
${opts.custom?.length ? html`<fieldset class="card"><legend>Custom fields</legend>${opts.custom}</fieldset>` : ''}
${opts.duplicate ? html`<div class="warn">${opts.duplicate}<label class="c"><input type="checkbox" name="allow_duplicate" value="yes">This is someone else: save anyway</label></div>` : ''}
<button>${opts.submit}</button>`,
  )
}

/** A form for one service address (new or corrected), its fields named address.<field> like the new-customer form's. */
export function addressForm(opts: {
  action: string
  csrf: string
  values: CustomerFormValues
  errors: FieldErrors
  submit: string
  legend: string
}): SafeHtml {
  return form(
    opts.action,
    opts.csrf,
    html`<fieldset class="card"><legend>${opts.legend}</legend>${ADDRESS_FIELDS.map(([name, label]) =>
      input(opts.errors, opts.values, `address.${name}`, label),
    )}<button>${opts.submit}</button></fieldset>`,
  )
}

/** An address's values as its form shows them. */
export function valuesOfAddress(a: Record<string, unknown>): CustomerFormValues {
  return Object.fromEntries(ADDRESS_FIELDS.map(([name]) => [`address.${name}`, a[name] == null ? '' : String(a[name])]))
}

/** address.add's input from an address form. */
export function addressAddInput(contactId: string, v: CustomerFormValues): Record<string, unknown> {
  const fields = Object.fromEntries(ADDRESS_FIELDS.map(([name]) => [name, v[`address.${name}`] ?? '']).filter(([, value]) => value !== ''))
  return { contact_id: contactId, ...fields }
}

/** address.update's input from an address form: blank optional fields are cleared, blank required ones refused by the action. */
export function addressUpdateInput(addressId: string, v: CustomerFormValues): Record<string, unknown> {
  const optional = new Set(['line2', 'access_notes'])
  return {
    address_id: addressId,
    ...Object.fromEntries(
      ADDRESS_FIELDS.map(([name]) => {
        const value = v[`address.${name}`] ?? ''
        return [name, value === '' && optional.has(name) ? null : value]
      }),
    ),
  }
}
