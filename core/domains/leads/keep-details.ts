import { z } from 'zod'
import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { updateAddress } from '../addresses/actions.js'
import { updateContact } from '../contacts/actions.js'
import { uploadDocument } from '../documents/actions.js'
import { type LeadDetails, type LeadRequest, preferencesOfTimes } from './lead-details.js'
import { parseUsAddress } from './model.js'

/** Where a converted lead's details were kept on the customer; null for a detail the lead did not have. */
export const KEPT_DETAILS = z
  .object({
    access_notes: z.enum(['address', 'contact_about']).nullable().describe("address: the service address's access_notes"),
    preferred_times: z.literal('contact_preferences').nullable(),
    property_and_service: z.literal('contact_about').nullable().describe('property_details and service_interest'),
    photo_document_id: z.uuid().nullable().describe("The request's photo, now a document of the customer"),
  })
  .describe("Where the lead's details now live on the customer")

/** Where each detail went (KEPT_DETAILS). */
export type KeptDetails = z.output<typeof KEPT_DETAILS>

/**
 * Puts what a lead said on the customer it became, in the caller's transaction, each change audited by the action it goes
 * through: access notes on the service address (a new customer's, or the existing customer's address with the same street
 * line; else in their standing notes), preferred times in the scheduling preferences, the property and the services asked
 * for in the standing notes (about), the request's photo as a document. What the customer already had is kept: a
 * preference they have is not replaced, and words already there are not added twice.
 */
export async function keepOnCustomer(
  ctx: OperationContext,
  details: LeadDetails,
  request: LeadRequest | null,
  customer: { contactId: string; addressId: string | null; leadAddress: string | null },
): Promise<{ kept: KeptDetails; addressId: string | null }> {
  const kept: KeptDetails = { access_notes: null, preferred_times: null, property_and_service: null, photo_document_id: null }
  const addressId = customer.addressId ?? (await sameStreetAddress(ctx, customer.contactId, customer.leadAddress))
  const about = [...details.aboutLines]
  if (details.accessNotes) {
    if (addressId) {
      const a = await ctx.db.query<{ access_notes: string | null }>('select access_notes from addresses where id = $1', [addressId])
      const now = a.rows[0]?.access_notes ?? null
      if (!now?.includes(details.accessNotes)) {
        const access_notes = now ? `${now}; ${details.accessNotes}` : details.accessNotes
        await callWithin(ctx, updateAddress, { address_id: addressId, access_notes: access_notes.slice(0, 2000) })
      }
      kept.access_notes = 'address'
    } else {
      about.push(`Access: ${details.accessNotes}`)
      kept.access_notes = 'contact_about'
    }
  }
  const c = await ctx.db.query<{ preferences: Record<string, unknown>; about: string | null }>(
    'select preferences, notes as about from contacts where id = $1',
    [customer.contactId],
  )
  const current = c.rows[0]
  const change: { preferences?: Record<string, unknown>; about?: string } = {}
  if (details.preferredTimes) {
    const read = preferencesOfTimes(details.preferredTimes)
    const had = current.preferences ?? {}
    const prefs: Record<string, unknown> = {}
    // A preference the customer already has stays; the request's words join their notes.
    if (read.time_of_day && !had.time_of_day) prefs.time_of_day = read.time_of_day
    if (read.preferred_days && !(had.preferred_days as unknown[] | undefined)?.length) prefs.preferred_days = read.preferred_days
    const notes = typeof had.notes === 'string' ? had.notes : ''
    if (!notes.includes(details.preferredTimes)) prefs.notes = (notes ? `${notes}\n${read.notes}` : read.notes).slice(0, 2000)
    if (Object.keys(prefs).length) change.preferences = prefs
    kept.preferred_times = 'contact_preferences'
  }
  const fresh = about.filter((line) => !(current.about ?? '').includes(line))
  if (fresh.length) change.about = [current.about, ...fresh].filter(Boolean).join('\n').slice(0, 10_000)
  if (details.aboutLines.length) kept.property_and_service = 'contact_about'
  if (change.preferences || change.about) {
    await callWithin(ctx, updateContact, { contact_id: customer.contactId, ...change } as z.input<typeof updateContact.input>)
  }
  kept.photo_document_id = await attachRequestPhoto(ctx, request, { contact_id: customer.contactId })
  return { kept, addressId: addressId ?? (await firstAddress(ctx, customer.contactId)) }
}

/**
 * Attaches the photo a customer sent with their request to their record or to the visit it booked, as a photo document;
 * null when there is none, or when it is larger than this server takes for documents (it stays readable on the request).
 */
export async function attachRequestPhoto(
  ctx: OperationContext,
  request: LeadRequest | null,
  target: { contact_id: string } | { ticket_id: string },
): Promise<string | null> {
  const photo = request?.photo
  if (!photo || photo.bytes.length > ctx.services.config.documents.maxBytes) return null
  const doc = await callWithin(ctx, uploadDocument, {
    ...target,
    name: 'Photo sent with the request',
    category: 'photo',
    tags: ['request'],
    content_base64: photo.bytes.toString('base64'),
    content_type: photo.contentType,
  })
  return String((doc as { id: string }).id)
}

/** The existing customer's address in use with the street line the lead gave; null when none matches or the lead's address cannot be read. */
async function sameStreetAddress(ctx: OperationContext, contactId: string, leadAddress: string | null): Promise<string | null> {
  const parsed = leadAddress ? parseUsAddress(leadAddress) : null
  if (!parsed) return null
  const street = (s: string) => s.toLowerCase().replace(/[.,#]/g, '').replace(/\s+/g, ' ').trim()
  const r = await ctx.db.query<{ id: string; line1: string }>(
    'select id, line1 from addresses where contact_id = $1 and archived_at is null order by created_at, id',
    [contactId],
  )
  return r.rows.find((a) => street(a.line1) === street(parsed.line1))?.id ?? null
}

/** The customer's first address in use, where a visit goes when the lead's address is not one of theirs. */
async function firstAddress(ctx: OperationContext, contactId: string): Promise<string | null> {
  const r = await ctx.db.query<{ id: string }>(
    'select id from addresses where contact_id = $1 and archived_at is null order by created_at, id limit 1',
    [contactId],
  )
  return r.rows[0]?.id ?? null
}
