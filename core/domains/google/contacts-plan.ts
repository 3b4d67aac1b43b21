import { candidateContact, keptEmail, keptPhone } from '../imports/candidate-contact.js'
import type { MappedPlan } from '../imports/csv-customers.js'
import type { CustomerCandidate, PlannedRow } from '../imports/square-customers.js'
import type { GooglePerson } from './people.js'

/** The import's source name: a Google contact's resource name is kept as the customer's external id under it. */
export const GOOGLE_SOURCE = 'google'

/**
 * Google contacts as the import path plans rows (the same plan a mapped CSV gives): one row each, in Google's order,
 * matched by resource name, then email, then phone. An email or phone that is not one is left out with a warning.
 */
export function planGooglePeople(people: GooglePerson[]): MappedPlan {
  return { headers: [], mapping: {}, proposed: false, ignored_columns: [], rows: people.map((p, i) => planRow(p, i + 1)) }
}

/** The value Google marks primary, else the first. */
function primary<T extends { metadata?: { primary?: boolean } }>(list: T[] | undefined): T | undefined {
  return list?.find((x) => x.metadata?.primary) ?? list?.[0]
}

function planRow(p: GooglePerson, line: number): PlannedRow {
  const n = primary(p.names)
  const first = n?.givenName?.trim()
  const last = n?.familyName?.trim()
  const company = primary(p.organizations)?.name?.trim()
  const name = n?.displayName?.trim() || [first, last].filter(Boolean).join(' ') || company || ''
  if (!name) return { line, name, refused: `Google contact ${p.resourceName} has no name or company` }
  const warnings: string[] = []
  const email = keptEmail(primary(p.emailAddresses)?.value?.trim(), warnings)
  const phone = keptPhone(primary(p.phoneNumbers)?.value?.trim(), warnings)
  const person = Boolean(first || last)
  const memo = primary(p.biographies)?.value?.trim()
  return {
    line,
    name,
    candidate: {
      squareId: p.resourceName,
      contact: candidateContact({ person, name, first, last, company, email, phone, source: GOOGLE_SOURCE }),
      address: addressOf(p, warnings),
      attributes: person && company ? { company_name: company } : {},
      memo: memo || null,
      warnings,
    },
  }
}

/** The primary address when it has a street, city, region and postal code; otherwise none, with a warning. */
function addressOf(p: GooglePerson, warnings: string[]): CustomerCandidate['address'] {
  const a = primary(p.addresses)
  if (!a) return null
  // Google keeps the street as typed, several lines in one; the first is line1, the rest (and extendedAddress) line2.
  const [line1, ...more] = (a.streetAddress ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  const line2 = [...more, a.extendedAddress?.trim()].filter(Boolean).join(', ')
  const city = a.city?.trim()
  const state = a.region?.trim()
  const postal = a.postalCode?.trim()
  if (!line1 || !city || !state || !postal) {
    warnings.push(
      `address "${(a.formattedValue ?? '').replace(/\s*\n\s*/g, ', ')}" not kept: it needs a street address, city, region and postal code`,
    )
    return null
  }
  const country = (a.countryCode ?? '').trim().toUpperCase()
  return {
    line1,
    ...(line2 ? { line2 } : {}),
    city,
    state,
    postal_code: postal,
    ...(/^[A-Z]{2}$/.test(country) ? { country } : {}),
  }
}
