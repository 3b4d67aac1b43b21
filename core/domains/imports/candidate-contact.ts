import { emailSchema, phoneSchema } from '../contacts/model.js'
import type { CustomerCandidate } from './square-customers.js'

/** What a planned row names of its customer, already trimmed; `person` when it names a person, not only a company. */
export interface NamedCustomer {
  person: boolean
  name: string
  first?: string
  last?: string
  company?: string
  email?: string
  phone?: string
  /** The import's source name; the customer's source is it with `_import`. */
  source: string
}

/** The contact an import creates: a person unless it names only a company, with only the fields it was given. */
export function candidateContact(c: NamedCustomer): CustomerCandidate['contact'] {
  return {
    kind: c.person || !c.company ? 'person' : 'organization',
    display_name: c.name,
    ...(c.first ? { first_name: c.first } : {}),
    ...(c.last ? { last_name: c.last } : {}),
    ...(c.email ? { email: c.email } : {}),
    ...(c.phone ? { phone: c.phone } : {}),
    source: `${c.source}_import`,
  }
}

/** The email another system holds, or nothing with a warning when it is not one (those systems let anything be typed there). */
export function keptEmail(email: string | undefined, warnings: string[]): string | undefined {
  if (!email || emailSchema.safeParse(email).success) return email
  warnings.push(`email "${email}" left out: it is not an email address`)
  return undefined
}

/** The phone another system holds, or nothing with a warning when it is not a phone number. */
export function keptPhone(phone: string | undefined, warnings: string[]): string | undefined {
  if (!phone || phoneSchema.safeParse(phone).success) return phone
  warnings.push(`phone "${phone}" left out: it is not a phone number`)
  return undefined
}

/** The address when it has a street, city, state and postal code; a partial one is not kept, with a warning. */
export function completeAddress(
  a: { line1?: string; line2?: string; city?: string; state?: string; postal?: string },
  warnings: string[],
): CustomerCandidate['address'] {
  if (a.line1 && a.city && a.state && a.postal) {
    return { line1: a.line1, ...(a.line2 ? { line2: a.line2 } : {}), city: a.city, state: a.state, postal_code: a.postal }
  }
  if (a.line1 || a.city || a.postal) warnings.push('address not kept: it needs a street address, city, state and postal code')
  return null
}
