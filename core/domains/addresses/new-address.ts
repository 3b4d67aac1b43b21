import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { noteText } from '../../kernel/sanitize.js'
import { auditedInsert } from '../../vocabulary/records.js'
import { ADDRESS_COLUMNS, ADDRESS_TABLE } from './model.js'

const text = (max: number) => z.string().trim().min(1).max(max)

/** The checks of each address field, shared by adding, correcting and creating a contact with its addresses. */
export const addressFields = {
  label: text(100).describe('e.g. Home, Rental on Main St'),
  line1: text(200).describe('Street address'),
  line2: text(200).describe('Apartment, suite, unit'),
  city: text(100),
  state: text(50).describe('State or region, e.g. AL'),
  postal_code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/, 'expected a postal code such as 35758 or 35758-1234'),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as US'),
  access_notes: noteText(2000).describe('Gate codes, dogs, where to park'),
}

/** A postal address without label and access notes: a converted lead's new address, an organization's billing address. */
export const postalAddressSchema = z.strictObject({
  line1: addressFields.line1,
  line2: addressFields.line2.optional(),
  city: addressFields.city,
  state: addressFields.state,
  postal_code: addressFields.postal_code,
  country: addressFields.country.default('US'),
})

/** A new service location: line1, city, state and postal_code required; country defaults to US. */
export const newAddressShape = {
  label: addressFields.label.optional(),
  ...postalAddressSchema.shape,
  access_notes: addressFields.access_notes.optional(),
}

/** A new service location after validation. */
export type NewAddress = z.output<z.ZodObject<typeof newAddressShape>>

/** Stores a service location of a contact known to exist, with its audit entry, and returns it. */
export async function insertAddress(ctx: OperationContext, contactId: string, a: NewAddress): Promise<Record<string, unknown>> {
  return auditedInsert(
    ctx,
    ADDRESS_TABLE,
    `insert into addresses (tenant_id, contact_id, label, line1, line2, city, state, postal_code, country, access_notes)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${ADDRESS_COLUMNS}`,
    [ctx.tenantId, contactId, a.label ?? null, a.line1, a.line2 ?? null, a.city, a.state, a.postal_code, a.country, a.access_notes ?? null],
  )
}
