import { candidateContact, completeAddress, keptEmail, keptPhone } from '../imports/candidate-contact.js'
import type { MappedPlan } from '../imports/csv-customers.js'
import type { PlannedRow } from '../imports/square-customers.js'

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
  const email = keptEmail(c.PrimaryEmailAddr?.Address?.trim(), warnings)
  const phone = keptPhone((c.PrimaryPhone?.FreeFormNumber ?? c.Mobile?.FreeFormNumber)?.trim(), warnings)
  const a = c.BillAddr
  const address = completeAddress(
    { line1: a?.Line1, line2: a?.Line2, city: a?.City, state: a?.CountrySubDivisionCode, postal: a?.PostalCode },
    warnings,
  )
  const person = Boolean(first || last)
  return {
    line,
    name,
    candidate: {
      squareId: String(c.Id),
      contact: candidateContact({ person, name, first, last, company, email, phone, source: QUICKBOOKS_SOURCE }),
      address,
      attributes: person && company ? { company_name: company } : {},
      memo: c.Notes?.trim() || null,
      warnings,
    },
  }
}
