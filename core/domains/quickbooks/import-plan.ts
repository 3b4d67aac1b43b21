import { emailSchema, phoneSchema } from '../contacts/model.js'
import type { MappedPlan } from '../imports/csv-customers.js'
import type { CustomerCandidate, PlannedRow } from '../imports/square-customers.js'

/** A QuickBooks customer as the import reads it. */
export interface QuickBooksCustomer {
  Id: string
  SyncToken?: string
  DisplayName?: string
  GivenName?: string
  FamilyName?: string
  CompanyName?: string
  PrimaryEmailAddr?: { Address?: string }
  PrimaryPhone?: { FreeFormNumber?: string }
  Mobile?: { FreeFormNumber?: string }
  BillAddr?: { Line1?: string; Line2?: string; City?: string; CountrySubDivisionCode?: string; PostalCode?: string }
  Notes?: string
  Active?: boolean
}

/** The import's source name: a QuickBooks Id is kept as the customer's external id under it. */
export const QUICKBOOKS_SOURCE = 'quickbooks'

/**
 * The company's customers as the import path plans rows (the same plan a mapped CSV gives): one row each, in QuickBooks'
 * order, matched by QuickBooks Id, then email, then phone; an email or phone that is not one is left out with a warning,
 * since QuickBooks lets a bookkeeper type anything there.
 */
export function planQuickBooksCustomers(customers: QuickBooksCustomer[]): MappedPlan {
  return {
    headers: [],
    mapping: {},
    proposed: false,
    ignored_columns: [],
    rows: customers.map((c, i) => planRow(c, i + 1)),
  }
}

function planRow(c: QuickBooksCustomer, line: number): PlannedRow {
  const first = c.GivenName?.trim()
  const last = c.FamilyName?.trim()
  const company = c.CompanyName?.trim()
  const name = c.DisplayName?.trim() || [first, last].filter(Boolean).join(' ') || company || ''
  if (!name) return { line, name, refused: `QuickBooks customer ${c.Id} has no name` }
  const warnings: string[] = []
  let email = c.PrimaryEmailAddr?.Address?.trim()
  if (email && !emailSchema.safeParse(email).success) {
    warnings.push(`email "${email}" left out: it is not an email address`)
    email = undefined
  }
  let phone = (c.PrimaryPhone?.FreeFormNumber ?? c.Mobile?.FreeFormNumber)?.trim()
  if (phone && !phoneSchema.safeParse(phone).success) {
    warnings.push(`phone "${phone}" left out: it is not a phone number`)
    phone = undefined
  }
  const a = c.BillAddr
  let address: CustomerCandidate['address'] = null
  if (a?.Line1 && a.City && a.CountrySubDivisionCode && a.PostalCode)
    address = {
      line1: a.Line1,
      ...(a.Line2 ? { line2: a.Line2 } : {}),
      city: a.City,
      state: a.CountrySubDivisionCode,
      postal_code: a.PostalCode,
    }
  else if (a?.Line1 || a?.City || a?.PostalCode) warnings.push('address not kept: it needs a street address, city, state and postal code')
  const person = Boolean(first || last)
  return {
    line,
    name,
    candidate: {
      squareId: String(c.Id),
      contact: {
        kind: person || !company ? 'person' : 'organization',
        display_name: name,
        ...(first ? { first_name: first } : {}),
        ...(last ? { last_name: last } : {}),
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
        source: 'quickbooks_import',
      },
      address,
      attributes: person && company ? { company_name: company } : {},
      memo: c.Notes?.trim() || null,
      warnings,
    },
  }
}
