import { z } from 'zod'
import { validationError } from '../../kernel/errors.js'
import { postalAddressSchema } from '../addresses/new-address.js'

/** The company fields of an organization, in the order the API lists them. */
export const COMPANY_FIELDS = ['legal_name', 'industry', 'website', 'tax_id', 'billing_address'] as const

/** Where an organization's invoices go: the fields of a service location, without label and access notes. */
export const billingAddressSchema = postalAddressSchema

const website = z
  .url({ protocol: /^https?$/, error: 'expected a web address such as https://acme.example' })
  .trim()
  .max(300)

/** The company fields as contact.create and contact.update take them; on update null clears one. */
export const companyInput = {
  legal_name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .optional()
    .describe('Organization only: the registered name, e.g. "Acme Offices LLC"'),
  industry: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(100)
    .nullable()
    .optional()
    .describe('Organization only: e.g. property management; stored in lower case'),
  website: website.nullable().optional().describe('Organization only: https://...'),
  tax_id: z.string().trim().min(1).max(50).nullable().optional().describe('Organization only: e.g. an EIN such as 12-3456789'),
  billing_address: billingAddressSchema
    .nullable()
    .optional()
    .describe('Organization only: where invoices go: {line1, line2?, city, state, postal_code, country? (default US)}'),
}

/** The company fields of a contact record: null for a person and for what an organization has not given. */
export const COMPANY_RECORD = {
  legal_name: z.string().nullable(),
  industry: z.string().nullable(),
  website: z.string().nullable(),
  tax_id: z.string().nullable(),
  billing_address: z
    .object({
      line1: z.string(),
      line2: z.string().optional(),
      city: z.string(),
      state: z.string(),
      postal_code: z.string(),
      country: z.string(),
    })
    .nullable(),
}

type CompanyValues = Partial<Record<(typeof COMPANY_FIELDS)[number], unknown>>

/** The company fields given (null included), as columns to write; billing_address as JSON text. */
export function companyColumns(input: CompanyValues): Record<string, unknown> {
  const columns: Record<string, unknown> = {}
  for (const key of COMPANY_FIELDS) {
    const value = input[key]
    if (value === undefined) continue
    columns[key] = key === 'billing_address' && value !== null ? JSON.stringify(value) : value
  }
  return columns
}

/**
 * Refuses company fields on a person: those given with a value, and, when a contact becomes a person, those it still
 * has and the call does not clear.
 */
export function refuseCompanyFieldsOnPerson(kind: string, given: CompanyValues, stored: CompanyValues = {}): void {
  if (kind === 'organization') return
  const problems = COMPANY_FIELDS.filter((k) => given[k] !== undefined && given[k] !== null).map((k) => ({
    field: `data.${k}`,
    message: 'is for organizations only; this contact is a person (kind=person)',
  }))
  const kept = COMPANY_FIELDS.filter((k) => stored[k] !== null && stored[k] !== undefined && given[k] !== null)
  if (kept.length && !problems.length) {
    problems.push({
      field: 'data.kind',
      message: `a person has no company fields; clear ${kept.join(', ')} (null) in the same call to make this organization a person`,
    })
  }
  if (problems.length) throw validationError(problems)
}
