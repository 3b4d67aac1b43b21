import { z } from 'zod'
import { callWithin } from '../../call-within.js'
import type { OperationContext } from '../../context.js'
import { validationError } from '../../errors.js'
import { defineAction } from '../../registry.js'
import { addMonths, localDate, zonedInstant } from '../../time.js'
import { setAttribute } from '../attributes/actions.js'
import { continuingSeriesOf } from '../series/model.js'
import { scheduleMessage } from '../messages/actions.js'
import { APPOINTMENT_KINDS, cancelAppointmentMessages } from '../messages/appointment-messages.js'
import { addNote } from '../notes/actions.js'
import { loadTenantSettings } from '../settings/model.js'
import { refreshContactLifecycles } from '../contacts/lifecycle.js'
import { settleOrderOfTicket } from '../orders/model.js'
import { createTicket } from './actions.js'
import { CLOSE_FACTS, previewClose } from './previews.js'
import { confirmLines, writeConfirmedLines, type ConfirmedLine } from './close-lines.js'
import { closePayload } from './close-call.js'
import { type CloseTicketInput, closeCallInput } from './close-input.js'
import { issueInvoice } from '../invoices/send-actions.js'
import { assertActive, auditSnapshot, BOOKED_VISIT, instantOf, lockTicket, TICKET_RECORD, ticketDetail, type TicketRow } from './model.js'
import { timestamp } from '../../output-types.js'
import { checkVisitDay, refuseEarlyAgent } from './visit-day.js'
import { BY_AGENT_OR_API } from '../../places.js'
import { INVOICE_STATUSES } from '../../invoice-states.js'

/** Local time of day a "reach out in X months" message goes out. */
const REACH_OUT_TIME = '10:00'
/** Two reach-outs to one customer this many days apart or less would say the same thing: only one is queued. */
export const REACH_OUT_SAME_DAYS = 31

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
    })
    .nullable(),
})

/** Closes a ticket with the technician's confirmed work, notes, next step and customer facts. */
export const closeTicket = defineAction({
  domain: 'ticket',
  name: 'close',
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
  ],
  title: 'Close out a visit',
  place: BY_AGENT_OR_API,
  words: { area: 'Appointments', phrase: 'complete an appointment (it can never change again)' },
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
  },
  keywords: ['complete ticket', 'finish job', 'close out', 'job done'],
  input: closeCallInput,
  preview: async (ctx, input) => previewClose(ctx, await closePayload(ctx, input), { sendInvoice: input.send_invoice }),
  facts: CLOSE_FACTS,
  output: CLOSE_CALL_RESULT,
  async run(ctx, input) {
    const closed = await closeTicketWith(ctx, await closePayload(ctx, input))
    if (!input.send_invoice) return { ...closed, invoice: null }
    const billed = await issueInvoice(ctx, { ticket_id: String(closed.ticket.id) }, { email: true })
    const i = billed.invoice as Record<string, unknown>
    return {
      ...closed,
      invoice: {
        id: String(i.id),
        number: String(i.number),
        status: i.status,
        total_cents: Number(i.total_cents),
        amount_due_cents: Number(i.amount_due_cents),
        message_id: billed.message ? billed.message.id : null,
      },
    }
  },
})

/**
 * The close itself, shared by ticket.close and the technician's close-out: one transaction, everything or nothing. A
 * close-out checked the visit's day when it was started (`dayChecked`), so finishing it later never asks again.
 */
export async function closeTicketWith(ctx: OperationContext, input: CloseTicketInput, dayChecked = false): Promise<CloseResult> {
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
  if (input.next_service.kind === 'keep_series') await continuingSeriesOf(ctx.db, ticket.id, 'data.next_service.kind')
  if (input.next_service.kind === 'schedule') {
    // Checked before anything is written, so a bad time is a clear error and not a half-closed ticket.
    if (instantOf(input.next_service.scheduled_start, settings.timezone) <= ctx.services.now()) {
      throw validationError([
        { field: 'data.next_service.scheduled_start', message: `must be in the future (now is ${ctx.services.now().toISOString()})` },
      ])
    }
  }
  const now = ctx.services.now()
  await ctx.db.query(
    `update ticket_technicians set clock_out_at = greatest($2::timestamptz, clock_in_at)
    where ticket_id = $1 and clock_in_at is not null and clock_out_at is null`,
    [ticket.id, now],
  )
  await writeConfirmedLines(ctx.db, ctx.tenantId, ticket.id, lines)
  const note = input.notes.trim() ? await callWithin(ctx, addNote, { ticket_id: ticket.id, content: input.notes }) : null
  const attributes = []
  for (const a of input.attributes) {
    if (a.value === null) throw validationError([{ field: 'data.attributes', message: `${a.key}: value must not be null` }])
    const saved = await callWithin(ctx, setAttribute, {
      contact_id: ticket.contact_id,
      key: a.key,
      value: a.value,
      source: 'ticket_closeout',
      confidence: a.confidence,
      confirmed: ctx.actor.type === 'user',
      ticket_id: ticket.id,
    })
    attributes.push({ id: String(saved.id), key: a.key, value: saved.value })
  }
  await ctx.db.query(
    `update tickets set status = 'completed', closed_at = $2, duration_minutes = $3, is_price_estimated = false
    where id = $1`,
    [ticket.id, now, input.duration_minutes],
  )
  const early = now < new Date(ticket.scheduled_start)
  const cancelled = await cancelAppointmentMessages(
    ctx,
    ticket.id,
    APPOINTMENT_KINDS,
    `Not sent: appointment #${ticket.number} was completed${early ? ' before its scheduled time' : ''} at ${now.toISOString()}`,
  )
  const after = await ticketDetail(ctx.db, ticket.id, settings)
  await ctx.audit({
    entityType: 'ticket',
    entityId: ticket.id,
    action: 'close',
    before: auditSnapshot(before),
    after: { ...auditSnapshot(after), final_price_confirmed: estimated ? true : undefined, ...startedEarly },
  })
  await refreshContactLifecycles(ctx, [ticket.contact_id])
  await settleOrderOfTicket(ctx, ticket.id)
  const next =
    input.next_service.kind === 'schedule'
      ? await bookNext(ctx, ticket, before, lines, input.next_service)
      : input.next_service.kind === 'keep_series'
        ? (await continuingSeriesOf(ctx.db, ticket.id, 'data.next_service.kind')).next_visit
        : null
  const reachOut =
    input.next_service.kind === 'reach_out'
      ? await scheduleReachOut(
          ctx,
          ticket,
          zonedInstant(addMonths(localDate(now, settings.timezone), input.next_service.months), REACH_OUT_TIME, settings.timezone),
        )
      : null
  return {
    ticket: after,
    note_id: note ? String(note.id) : null,
    next_ticket: next,
    reach_out: reachOut,
    attributes,
    cancelled_message_ids: cancelled,
  }
}

/** Books the next visit like this one: same customer, address, technicians and work, at the chosen time. */
async function bookNext(
  ctx: OperationContext,
  ticket: TicketRow,
  before: Record<string, unknown>,
  lines: ConfirmedLine[],
  next: Extract<CloseTicketInput['next_service'], { kind: 'schedule' }>,
): Promise<CloseResult['next_ticket']> {
  const booked = (new Date(ticket.scheduled_end).getTime() - new Date(ticket.scheduled_start).getTime()) / 60_000
  const address = ticket.address_id
    ? (await ctx.db.query('select 1 from addresses where id = $1 and archived_at is null', [ticket.address_id])).rows[0]
    : undefined
  const active = await ctx.db.query<{ id: string }>(`select id from services where id = any($1::uuid[]) and archived_at is null`, [
    lines.flatMap((l) => (l.service_id ? [l.service_id] : [])),
  ])
  const bookable = new Set(active.rows.map((r) => r.id))
  const created = await callWithin(ctx, createTicket, {
    contact_id: ticket.contact_id,
    address_id: address && ticket.address_id ? ticket.address_id : undefined,
    scheduled_start: next.scheduled_start,
    duration_minutes: next.duration_minutes ?? Math.min(1440, Math.max(5, booked)),
    technician_ids: (before.technicians as Array<{ user_id: string }>).map((t) => t.user_id),
    line_items: lines
      .filter((l) => !l.service_id || bookable.has(l.service_id))
      .map((l) => ({
        ...(l.service_id ? { service_id: l.service_id } : { description: l.description }),
        quantity: l.quantity,
        ...(l.price_editable ? { unit_price_cents: l.unit_price_cents } : {}),
        taxable: l.taxable,
      })),
  })
  const t = created as Record<string, unknown>
  await ctx.db.query('update tickets set previous_ticket_id = $2 where id = $1', [t.id, ticket.id])
  return { id: String(t.id), number: Number(t.number), scheduled_start: t.scheduled_start as Date, scheduled_end: t.scheduled_end as Date }
}

/**
 * Schedules the "time for your next visit" email, once per customer: when a reach-out to them is already pending within
 * REACH_OUT_SAME_DAYS of this one (two visits closed together, each asking for one), that one stands for both. A lock
 * per customer makes two closes at the same moment take turns, so neither misses the other's.
 */
async function scheduleReachOut(ctx: OperationContext, ticket: TicketRow, sendAt: Date): Promise<CloseResult['reach_out']> {
  await ctx.db.query(`select pg_advisory_xact_lock(hashtextextended($1 || ':reach_out:' || $2, 0))`, [ctx.tenantId, ticket.contact_id])
  const window = REACH_OUT_SAME_DAYS * 86_400_000
  const pending = await ctx.db.query<{ id: string; send_at: Date }>(
    `select id, send_at from scheduled_messages
    where contact_id = $1 and kind = 'reach_out' and status = 'pending' and send_at between $2 and $3
    order by abs(extract(epoch from send_at - $4::timestamptz)), id limit 1`,
    [ticket.contact_id, new Date(sendAt.getTime() - window), new Date(sendAt.getTime() + window), sendAt],
  )
  if (pending.rows[0]) return { message_id: String(pending.rows[0].id), send_at: pending.rows[0].send_at, already_queued: true }
  const m = (await callWithin(ctx, scheduleMessage, {
    contact_id: ticket.contact_id,
    kind: 'reach_out',
    send_at: sendAt.toISOString(),
    ticket_id: ticket.id,
  })) as Record<string, unknown>
  return { message_id: String(m.id), send_at: m.send_at as Date, already_queued: false }
}
