import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { validationError } from '../../kernel/errors.js'
import { subtotalCents } from '../../vocabulary/line-items.js'
import { noteText } from '../../kernel/sanitize.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { instantInput, instantOf, loadTechnicians } from '../tickets/model.js'
import { loadServices, priceLine } from '../tickets/pricing.js'
import { serviceOf, serviceRef } from '../services/service-refs.js'
import { OFFER_SLOTS } from './model.js'
import { offerRecipient, type OfferRecipient } from './recipient.js'
import { assertFreeSlot, type OfferedSlot } from './slot-check.js'

/** How long the link works when the call does not say, in hours (never past the last time offered). */
const DEFAULT_EXPIRY_HOURS = 72

/** What slot_offer.send takes. */
export const offerInput = z.strictObject({
  contact_id: z.uuid().optional().describe('The customer (or give lead_id)'),
  lead_id: z.uuid().optional().describe('The lead (or give contact_id); they become a customer when they pick'),
  services: z.array(serviceRef).min(1).max(10).optional().describe('Catalog services the visit is for, by name or id, one line each'),
  service_ids: z.array(z.uuid()).min(1).max(10).optional().describe('The same by ids only (give services or service_ids)'),
  slots: z
    .array(
      z.strictObject({
        start: instantInput.describe('ISO 8601; without an offset, wall-clock time in the business time zone'),
        technician_id: z.uuid().describe('The team member free then, as the availability data type lists them'),
      }),
    )
    .min(OFFER_SLOTS.min)
    .max(OFFER_SLOTS.max),
  duration_minutes: z.number().int().min(5).max(720).optional().describe("Length of the visit; default the services' durations, else 60"),
  expires_in_hours: z
    .number()
    .int()
    .min(1)
    .max(14 * 24)
    .default(DEFAULT_EXPIRY_HOURS),
  note: noteText(1000).optional().describe('A line for the customer, shown in the email and on the page'),
})

/** The input of slot_offer.send. */
export type OfferInput = z.output<typeof offerInput>

/** An offer checked against the current data, ready to store and describe. */
export interface OfferPlan {
  settings: TenantSettings
  recipient: OfferRecipient
  /** The services offered, in the order given, whether named or given by id. */
  serviceIds: string[]
  serviceNames: string[]
  amountCents: number
  durationMinutes: number
  slots: OfferedSlot[]
  expiresAt: Date
}

/** Checks an offer against the current data: who it goes to, the services, and that every time is really free now. */
export async function planOffer(ctx: OperationContext, input: OfferInput): Promise<OfferPlan> {
  if (Boolean(input.contact_id) === Boolean(input.lead_id)) {
    const message = 'give exactly one of contact_id and lead_id'
    throw validationError([
      { field: 'data.contact_id', message },
      { field: 'data.lead_id', message },
    ])
  }
  if (Boolean(input.services) === Boolean(input.service_ids)) {
    const message = 'give exactly one of services (names or ids) and service_ids'
    throw validationError([
      { field: 'data.services', message },
      { field: 'data.service_ids', message },
    ])
  }
  const settings = await loadTenantSettings(ctx.db)
  const recipient = await offerRecipient(ctx.db, input)
  const refs = await offeredServices(ctx, input)
  const services = await loadServices(ctx.db, refs)
  const lines = refs.map(({ id, field }) => priceLine({ service_id: id }, services.get(id), field))
  const lineMinutes = lines.reduce((sum, l) => sum + (l.duration_minutes ?? 0), 0)
  const durationMinutes = input.duration_minutes ?? (lineMinutes || 60)
  await loadTechnicians(ctx.db, [...new Set(input.slots.map((s) => s.technician_id))], 'data.slots.technician_id')
  const now = ctx.services.now()
  const slots: OfferedSlot[] = []
  for (const [i, s] of input.slots.entries()) {
    const start = instantOf(s.start, settings.timezone)
    const slot = { start, end: new Date(start.getTime() + durationMinutes * 60_000), technicianId: s.technician_id }
    if (slots.some((o) => o.start.getTime() === start.getTime() && o.technicianId === slot.technicianId))
      throw validationError([{ field: `data.slots.${i}`, message: 'is listed twice' }])
    await assertFreeSlot(ctx.db, slot, settings, now, `data.slots.${i}`)
    slots.push(slot)
  }
  const lastStart = Math.max(...slots.map((s) => s.start.getTime()))
  const expiresAt = new Date(Math.min(now.getTime() + input.expires_in_hours * 3_600_000, lastStart))
  return {
    settings,
    recipient,
    serviceIds: refs.map((r) => r.id),
    serviceNames: lines.map((l) => l.description),
    amountCents: subtotalCents(lines, input.services ? 'data.services' : 'data.service_ids'),
    durationMinutes,
    slots,
    expiresAt,
  }
}

/** The ids of the services an offer is for, each with the field that gave it; a name is read as booking reads it. */
async function offeredServices(ctx: OperationContext, input: OfferInput): Promise<Array<{ id: string; field: string }>> {
  if (input.service_ids) return input.service_ids.map((id, i) => ({ id, field: `data.service_ids.${i}` }))
  const refs: Array<{ id: string; field: string }> = []
  for (const [i, ref] of (input.services ?? []).entries()) {
    const field = `data.services.${i}`
    refs.push({ id: (await serviceOf(ctx.db, ref, field)).id, field })
  }
  return refs
}
