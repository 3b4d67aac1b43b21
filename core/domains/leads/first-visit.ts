import { z } from 'zod'
import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { timestamp } from '../../kernel/output-types.js'
import { createTicket } from '../tickets/actions.js'
import { attachRequestPhoto } from './keep-details.js'
import { type LeadDetails, type LeadRequest, visitNotesOf } from './lead-details.js'

const ticketInput = createTicket.input.shape

/** The first visit to book while converting a lead, as ticket.create takes it; its lines default to the services the request chose. */
export const FIRST_VISIT_INPUT = z
  .strictObject({
    scheduled_start: ticketInput.scheduled_start,
    duration_minutes: ticketInput.duration_minutes,
    technician_ids: ticketInput.technician_ids,
    service_ids: z
      .array(z.uuid())
      .max(20)
      .optional()
      .describe('Catalog services to do; default: those the customer chose on the request form'),
    confirmed: ticketInput.confirmed,
  })
  .describe(
    "Books the customer's first visit in the same call (as ticket.create): at their address, with what they told us " +
      '(access, preferred times, property, what they asked for) in its notes and their photo attached',
  )

/** The visit booked, as the convert answer gives it. */
export const FIRST_VISIT = z.object({
  id: z.uuid(),
  number: z.number().int(),
  scheduled_start: timestamp,
  scheduled_end: timestamp,
  notes: z.string().nullable(),
  photo_document_id: z.uuid().nullable(),
})

/**
 * Books a converted lead's first visit through ticket.create in the caller's transaction: its notes say what the customer
 * told us and the request's photo is attached to it, so the technician has both at the door.
 */
export async function bookFirstVisit(
  ctx: OperationContext,
  visit: z.output<typeof FIRST_VISIT_INPUT>,
  customer: { contactId: string; addressId: string | null },
  details: LeadDetails,
  request: LeadRequest | null,
): Promise<z.output<typeof FIRST_VISIT>> {
  const notes = visitNotesOf(details)
  const services = visit.service_ids ?? request?.serviceIds ?? []
  const ticket = (await callWithin(ctx, createTicket, {
    contact_id: customer.contactId,
    ...(customer.addressId ? { address_id: customer.addressId } : {}),
    scheduled_start: visit.scheduled_start,
    ...(visit.duration_minutes ? { duration_minutes: visit.duration_minutes } : {}),
    technician_ids: visit.technician_ids,
    line_items: services.map((id) => ({ service_id: id })),
    confirmed: visit.confirmed,
    ...(notes ? { notes } : {}),
  })) as { id: string; number: number; scheduled_start: string; scheduled_end: string }
  return {
    id: ticket.id,
    number: ticket.number,
    scheduled_start: ticket.scheduled_start,
    scheduled_end: ticket.scheduled_end,
    notes,
    photo_document_id: await attachRequestPhoto(ctx, request, { ticket_id: ticket.id }),
  }
}
