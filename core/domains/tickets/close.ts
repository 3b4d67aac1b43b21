import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { loadTenantSettings } from '../settings/model.js'
import { CLOSE_FACTS, previewClose } from './previews.js'
import { confirmLines } from './close-lines.js'
import { closePayload } from './close-call.js'
import { type CloseTicketInput, closeCallInput } from './close-input.js'
import { assertActive, BOOKED_VISIT, instantOf, lockTicket, TICKET_RECORD, ticketDetail } from './model.js'
import { runVisitClose, type VisitClose } from './close-workflow.js'
import { timestamp } from '../../kernel/output-types.js'
import { checkVisitDay, refuseEarlyAgent } from './visit-day.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'
import { INVOICE_STATUSES } from '../../vocabulary/invoice-states.js'
import { reachOutAsked } from '../messages/reach-out-gate.js'

/** What closing a ticket made. */
export interface CloseResult {
  ticket: Record<string, unknown>
  note_id: string | null
  next_ticket: { id: string; number: number; scheduled_start: Date; scheduled_end: Date } | null
  /** The reach-out this close asked for; already_queued when the customer had one pending for about that time, which stands for both. */
  reach_out: { message_id: string; send_at: Date; already_queued: boolean } | null
  attributes: Array<{ id: string; key: string; value: unknown }>
  /** The confirmation, follow-ups and reminder of this visit that were still queued, now cancelled: the visit is done. */
  cancelled_message_ids: string[]
}

/** What a close answers (CloseResult). */
export const CLOSE_RESULT = z.object({
  ticket: TICKET_RECORD,
  note_id: z.uuid().nullable(),
  next_ticket: BOOKED_VISIT.nullable(),
  reach_out: z.object({ message_id: z.uuid(), send_at: timestamp, already_queued: z.boolean() }).nullable(),
  attributes: z.array(z.object({ id: z.uuid(), key: z.string(), value: z.unknown() })),
  cancelled_message_ids: z.array(z.uuid()),
})

/** What ticket.close answers: the close, and the invoice emailed when the call asked for it (send_invoice). */
export const CLOSE_CALL_RESULT = CLOSE_RESULT.extend({
  invoice: z
    .object({
      id: z.uuid(),
      number: z.string(),
      status: z.enum(INVOICE_STATUSES),
      total_cents: z.number().int(),
      amount_due_cents: z.number().int(),
      message_id: z.uuid().nullable(),
      waits_for: z
        .string()
        .nullable()
        .describe('Why the invoice was made as a draft and not emailed (no way to pay is set yet), and what sends it; null when emailed'),
    })
    .nullable(),
})

/** Closes a ticket with the technician's confirmed work, notes, next step and customer facts. */
export const closeTicket = defineAction({
  key: 'ticket.close',
  example: {
    ticket_id: '#240',
    duration_minutes: 90,
    notes: 'All windows done; back gate sticks.',
    next_service: { kind: 'reach_out', months: 6 },
  },
  phrases: [
    'the job is done, close it out',
    'the visit is done',
    'finish the visit with the work done, time spent and notes',
    'done, reach out again in some months',
    'complete the appointment',
    'complete ticket',
    'finish job',
    'close out',
    'job done',
  ],
  title: 'Close out a visit',
  place: BY_AGENT_OR_API,
  words: { phrase: 'complete an appointment (it can never change again)' },
  description:
    'Complete a ticket in one call; afterwards it never changes again. Gives the time spent (default: from the clock, once ' +
    "everyone clocked out), the work as done (default: as booked; line_items replace the ticket's lines: existing ones by " +
    'line_item_id or by their service, new ones priced like ticket.add_line_item, a service by name or service_id), final_price_confirmed ' +
    '(required true for an estimated ticket), notes ("" for none; kept as a note on the ticket), next_service (schedule | none | ' +
    'reach_out in N months | keep_series, the default on a visit of a series) and customer facts (attributes, stored on the contact ' +
    'with source ticket_closeout); send_invoice true bills it at once. Whatever is missing comes back at once, in one VALIDATION_ERROR with an example call. Technicians still ' +
    "clocked in are clocked out. The visit's still-queued confirmation, follow-ups and reminder are cancelled (also when it is completed " +
    "early). A close starts on the visit's day in the business time zone: before it, a CONFLICT says from when and what to do instead (only an owner may close " +
    'sooner, with early true, audited). A reach-out is queued once per customer: one already pending within a month of it stands for both (already_queued true). ' +
    'Returns the closed ticket (with actual_minutes and time_on_site), the next ticket or reach-out message, the attributes and cancelled_message_ids.',
  access: {
    agent: 'requires_authorization',
    technician: 'assigned',
    refuseAgent: refuseEarlyAgent,
    customerText: { screened: ['line_items.description'] },
    ownerSees: async (_ctx, input) => reachOutAsked(input.next_service?.kind),
  },
  input: closeCallInput,
  preview: async (ctx, input) => previewClose(ctx, await closePayload(ctx, input), { sendInvoice: input.send_invoice }),
  facts: CLOSE_FACTS,
  output: CLOSE_CALL_RESULT,
  async run(ctx, input) {
    const closed = await closeTicketWith(ctx, await closePayload(ctx, input), false, input.send_invoice)
    return { ...closed, ticket: closed.ticket as Record<string, unknown> }
  },
})

/**
 * The close itself, shared by ticket.close and the technician's close-out: one transaction, everything or nothing. A
 * close-out checked the visit's day when it was started (`dayChecked`), so finishing it later never asks again. The
 * visit is locked and checked here; the rest is the named steps of the ticket.close workflow (CLOSE_STEPS), each owned
 * by its domain.
 */
export async function closeTicketWith(
  ctx: OperationContext,
  input: CloseTicketInput,
  dayChecked = false,
  sendInvoice = false,
): Promise<VisitClose['result']> {
  const ticket = await lockTicket(ctx.db, input.ticket_id)
  assertActive(ticket, 'be completed')
  const settings = await loadTenantSettings(ctx.db)
  const startedEarly = dayChecked
    ? {}
    : checkVisitDay(ctx, ticket, ctx.services.now(), settings.timezone, { doing: 'close-out', early: input.early })
  const before = await ticketDetail(ctx.db, ticket.id, settings)
  const estimated = Boolean(before.is_price_estimated)
  if (estimated && input.final_price_confirmed !== true) {
    const message = `must be true: ticket #${ticket.number} was booked with an estimated price, so the final price has to be confirmed`
    throw validationError([{ field: 'data.final_price_confirmed', message }])
  }
  const lines = await confirmLines(ctx.db, ticket.id, input.line_items, 'data.line_items')
  if (input.next_service.kind === 'schedule') {
    // Checked before anything is written, so a bad time is a clear error and not a half-closed ticket.
    if (instantOf(input.next_service.scheduled_start, settings.timezone) <= ctx.services.now()) {
      throw validationError([
        { field: 'data.next_service.scheduled_start', message: `must be in the future (now is ${ctx.services.now().toISOString()})` },
      ])
    }
  }
  const close: VisitClose = {
    input,
    ticket,
    settings,
    before,
    estimated,
    startedEarly,
    lines,
    now: ctx.services.now(),
    sendInvoice,
    result: {
      ticket: null,
      note_id: null,
      next_ticket: null,
      reach_out: null,
      attributes: [],
      cancelled_message_ids: [],
      invoice: null,
    },
  }
  await runVisitClose(ctx, close)
  return close.result
}
