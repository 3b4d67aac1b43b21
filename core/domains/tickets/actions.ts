import { z } from 'zod'
import { CANCEL_FACTS, previewCancel, previewUpdate } from './previews.js'
import { nextCounterSql } from '../../kernel/counters.js'
import { remembered } from '../../db/read-memo.js'
import { sqlLiteral } from '../../db/tenant.js'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { cancelAppointmentMessages, scheduleAppointmentMessages, settleAppointmentMessages } from '../messages/appointment-messages.js'
import { loadTenantSettings } from '../settings/model.js'
import { moveVisit } from './move.js'
import { assertNoDoubleBooking, lockTechnicianCalendars } from './booking.js'
import {
  assertActive,
  assertNotClosed,
  audited,
  auditSnapshot,
  checkAddress,
  instantInput,
  instantOf,
  loadTechnicians,
  lockTicket,
  TICKET_COLUMNS,
  TICKET_RECORD,
  ticketAnswer,
  ticketDetail,
  type LineItemRow,
  type TicketRow,
  wallClock,
} from './model.js'
import { lineItemInput, linesInsertSql, linesJson, loadServices, priceLine, servicesRead } from './pricing.js'
import { setClause } from '../../kernel/sql.js'
import { resolveTechnicians, technicianRefs } from '../users/technician-refs.js'
import { checkedCustomFields, customFieldsInput } from '../custom-fields/values.js'
import { DEFINITIONS_READ } from '../custom-fields/model.js'
import { refreshContactLifecycles } from '../contacts/lifecycle.js'
import { BY_AGENT_OR_API, customer, visit } from '../../vocabulary/places.js'

/** How long a visit is booked for when nothing says otherwise. */
const DEFAULT_VISIT_MINUTES = 60

const when =
  "ISO 8601: without an offset (YYYY-MM-DDTHH:MM) the business's wall-clock time, the safest; with Z or an offset, that instant (the offset of the business's zone on that date, as crm_capabilities examples show it)"
const minutes = z.number().int().min(5).max(1440)

/** The booked contact's name and email (the confirmation needs them), by an id given in SQL. */
function bookedContactSql(id: string): string {
  return `select display_name, email, message_channel from contacts where id = ${id}`
}

function bookedContactKey(id: string): string {
  return `booked contact ${id}`
}

/** Books an appointment: a ticket with its contact, place, time, technicians and line items, in one call. */
export const createTicket = defineAction({
  key: 'ticket.create',
  phrases: [
    'book an appointment',
    'schedule a job for a customer',
    'put a visit on the calendar',
    'appointment',
    'book',
    'schedule',
    'job',
    'visit',
    'new ticket',
  ],
  title: 'Book a visit',
  place: customer('Book a visit'),
  words: { phrase: 'book an appointment' },
  description:
    "Book an appointment (a ticket) in one call: contact, optional address (one of the contact's), start, end or duration, " +
    'technicians and line items. Line prices follow the catalog: fixed/product services use their price, per_unit services ' +
    'their unit price x quantity, flexible services the unit_price_cents given (or their suggested price); lines without a ' +
    'service need description and unit_price_cents. End: scheduled_end, else start + duration_minutes, else start + the line ' +
    "items' durations, else one hour. A technician already booked at an overlapping time is a CONFLICT naming that ticket. " +
    "Per the business's settings the customer's confirmation email, its follow-ups and the day-before reminder are queued; " +
    'with confirmed true (the customer already agreed to this time: picked it, or said yes on the phone) the visit is booked ' +
    'confirmed and only the reminder is queued. ' +
    "custom_fields: the business's own fields, {key: value}. Returns the ticket with number, line items, technicians and totals (integer cents).",
  access: { agent: 'unrestricted', technician: 'none', customerText: { screened: ['line_items.description'] } },
  input: z.strictObject({
    contact_id: z.uuid(),
    address_id: z.uuid().optional().describe("Where the work is done: one of the contact's addresses"),
    scheduled_start: instantInput.describe(when),
    scheduled_end: instantInput.optional().describe(when),
    duration_minutes: minutes.optional().describe('Length of the visit; used when scheduled_end is left out'),
    technician_ids: technicianRefs.default([]),
    line_items: z.array(lineItemInput).max(50).default([]),
    is_price_estimated: z.boolean().default(false).describe('True when the price is an estimate to be confirmed on site'),
    confirmed: z
      .boolean()
      .default(false)
      .describe('True when the customer already agreed to this time: booked confirmed, no email asks them to confirm'),
    notes: noteText(5000, { allowEmpty: true }).optional(),
    custom_fields: customFieldsInput.optional(),
  }),
  output: TICKET_RECORD,
  readAhead: (input) => [
    DEFINITIONS_READ,
    { key: bookedContactKey(input.contact_id), sql: bookedContactSql(`${sqlLiteral(input.contact_id)}::uuid`) },
    ...servicesRead(input.line_items.flatMap((l) => (l.service_id ? [l.service_id] : []))),
  ],
  async run(ctx, input) {
    const settings = await loadTenantSettings(ctx.db)
    const custom = await checkedCustomFields(ctx.db, { record: 'ticket' }, input.custom_fields, null)
    const contact = (
      await remembered(ctx.db, bookedContactKey(input.contact_id), () =>
        ctx.db.query<{ display_name: string; email: string | null; message_channel: string }>(bookedContactSql('$1'), [input.contact_id]),
      )
    ).rows[0]
    if (!contact) throw notFound('contact', input.contact_id)
    if (input.address_id) await checkAddress(ctx.db, input.address_id, input.contact_id, 'data.address_id')
    const technicianIds = await resolveTechnicians(ctx.db, input.technician_ids, 'data.technician_ids')
    await loadTechnicians(ctx.db, technicianIds, 'data.technician_ids')
    const services = await loadServices(
      ctx.db,
      input.line_items.flatMap((l, i) => (l.service_id ? [{ id: l.service_id, field: `data.line_items.${i}.service_id` }] : [])),
    )
    const lines = input.line_items.map((l, i) =>
      priceLine(l, l.service_id ? services.get(l.service_id) : undefined, `data.line_items.${i}`),
    )
    const start = instantOf(input.scheduled_start, settings.timezone)
    const lineMinutes = lines.reduce((sum, l) => sum + (l.duration_minutes ?? 0), 0)
    const end = endOf(
      start,
      input.scheduled_end ? instantOf(input.scheduled_end, settings.timezone) : undefined,
      input.duration_minutes ?? (lineMinutes || DEFAULT_VISIT_MINUTES),
      input.duration_minutes !== undefined,
    )
    await lockTechnicianCalendars(ctx.db, ctx.tenantId, technicianIds)
    await assertNoDoubleBooking(ctx.db, { technicianIds, start, end, timeZone: settings.timezone })
    // The answer is built from what the inserts return: nothing else runs in between that could change the rows. The
    // ticket takes its number from the counter, and its technicians and lines go in, in the same statement.
    const t = await ctx.db.query<TicketRow & { id: string; _actual_minutes: number | null; _lines: LineItemRow[] }>(
      `with counter as (${nextCounterSql('$1', "'ticket'")}),
       ticket as (
         insert into tickets (tenant_id, number, contact_id, address_id, scheduled_start, scheduled_end, is_price_estimated, notes, custom_fields,
                              status, confirmation_status)
         values ($1, (select value from counter), $2, $3, $4, $5, $6, $7, $8, $9, $10)
         returning ${TICKET_COLUMNS}, duration_minutes as _actual_minutes),
       technicians as (insert into ticket_technicians (tenant_id, ticket_id, user_id) select $1, ticket.id, u from ticket, unnest($11::uuid[]) u),
       lines as (${linesInsertSql({ tenant: '$1', ticketId: 'ticket.id', lines: '$12', after: '-1', from: 'ticket' })})
       select ticket.*, coalesce((select json_agg(lines order by lines.position) from lines), '[]'::json) as _lines from ticket`,
      [
        ctx.tenantId,
        input.contact_id,
        input.address_id ?? null,
        start,
        end,
        input.is_price_estimated,
        input.notes ?? null,
        JSON.stringify(custom),
        input.confirmed ? 'confirmed' : 'scheduled',
        input.confirmed ? 'accepted' : 'pending',
        technicianIds,
        linesJson(lines),
      ],
    )
    const { _lines: items, ...ticket } = t.rows[0]
    const id = ticket.id
    const detail = technicianIds.length
      ? await ticketDetail(ctx.db, id, settings)
      : ticketAnswer({ ...ticket, contact_name: contact.display_name }, items, [], settings)
    // The lifecycle's refresh and the audit row wait for COMMIT: neither costs a round trip of its own.
    await refreshContactLifecycles(ctx, [input.contact_id])
    await ctx.audit({ entityType: 'ticket', entityId: id, action: 'create', before: null, after: auditSnapshot(detail) })
    await scheduleAppointmentMessages(ctx, id, undefined, null, {
      contact_id: input.contact_id,
      scheduled_start: start,
      status: String(ticket.status),
      email: contact.email,
      message_channel: contact.message_channel,
    })
    return detail
  },
})

/** Changes a ticket's notes, price-estimate flag, address or progress; scheduling has its own actions. */
export const updateTicket = defineAction({
  key: 'ticket.update',
  title: 'Edit a visit',
  place: BY_AGENT_OR_API,
  words: { phrase: "change an appointment's notes, address or status" },
  description:
    "Update a ticket: notes (null clears), is_price_estimated, address_id (one of the contact's; null clears), " +
    'status confirmed (from scheduled) or in_progress (from scheduled or confirmed), custom_fields ({key: value}; null clears one). ' +
    'Only the fields given change; a completed ticket never changes. ' +
    'Move it with ticket.reschedule, cancel it with ticket.cancel; completing happens at close-out.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    ticket_id: z.uuid(),
    notes: noteText(5000, { allowEmpty: true }).nullable().optional(),
    is_price_estimated: z.boolean().optional(),
    address_id: z.uuid().nullable().optional(),
    status: z.enum(['confirmed', 'in_progress']).optional(),
    custom_fields: customFieldsInput.optional(),
  }),
  preview: previewUpdate,
  output: TICKET_RECORD,
  async run(ctx, input) {
    const ticket = await lockTicket(ctx.db, input.ticket_id)
    const settings = await loadTenantSettings(ctx.db)
    assertNotClosed(ticket, 'be updated')
    if (input.address_id !== undefined || input.status !== undefined || input.is_price_estimated !== undefined) {
      assertActive(
        ticket,
        `change its ${input.status !== undefined ? 'status' : input.address_id !== undefined ? 'address' : 'price estimate'}`,
      )
    }
    if (input.address_id) await checkAddress(ctx.db, input.address_id, ticket.contact_id, 'data.address_id')
    if (input.status !== undefined && input.status !== ticket.status) assertTransition(ticket, input.status)
    const before = await ticketDetail(ctx.db, ticket.id, settings)
    const { ticket_id, custom_fields: customGiven, ...changes } = input
    const custom =
      customGiven === undefined
        ? undefined
        : JSON.stringify(
            await checkedCustomFields(ctx.db, { record: 'ticket' }, customGiven, ticket.custom_fields as Record<string, unknown>),
          )
    const { sets, values } = setClause({ ...changes, custom_fields: custom })
    if (!sets.length) return before
    values.push(ticket_id)
    await ctx.db.query(`update tickets set ${sets.join(', ')} where id = $${values.length}`, values)
    // Confirmed another way (by phone): stop asking the customer to confirm.
    if (input.status === 'confirmed' && ticket.status !== 'confirmed') await settleAppointmentMessages(ctx, ticket_id, 'confirm')
    return audited(ctx, ticket_id, 'update', before)
  },
})

/** Moves an appointment to a new time; the old times stay in the audit trail. */
export const rescheduleTicket = defineAction({
  key: 'ticket.reschedule',
  phrases: [
    'move an appointment to another time',
    'change the time of a visit',
    'push the job to later',
    'reschedule one visit',
    'move appointment',
    'change time',
    'postpone',
  ],
  title: 'Move a visit',
  place: visit('Move'),
  words: { phrase: 'move an appointment' },
  description:
    'Move a scheduled, confirmed or in-progress ticket to a new time. End: scheduled_end, else start + duration_minutes, ' +
    'else the same length as before. The technicians must be free at the new time (else CONFLICT naming the clashing ticket). ' +
    "A new start still to come resets the customer's confirmation to pending and a confirmed ticket goes back to scheduled (a start already " +
    'here, as when moving a visit to when its work was done, keeps them); pending appointment emails are ' +
    'cancelled and queued anew for the new time. A new length alone (same start) asks nothing again: the confirmation and the queued ' +
    'emails stand, and read the new end when sent. The audit trail keeps every earlier time.',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject({
    ticket_id: z.uuid(),
    scheduled_start: instantInput.describe(when),
    scheduled_end: instantInput.optional().describe(when),
    duration_minutes: minutes.optional().describe('New length of the visit; used when scheduled_end is left out'),
  }),
  output: TICKET_RECORD,
  async run(ctx, input) {
    const ticket = await lockTicket(ctx.db, input.ticket_id)
    assertActive(ticket, 'be rescheduled')
    const settings = await loadTenantSettings(ctx.db)
    const start = instantOf(input.scheduled_start, settings.timezone)
    const oldMinutes = (new Date(ticket.scheduled_end).getTime() - new Date(ticket.scheduled_start).getTime()) / 60_000
    const end = endOf(
      start,
      input.scheduled_end ? instantOf(input.scheduled_end, settings.timezone) : undefined,
      input.duration_minutes ?? oldMinutes,
      input.duration_minutes !== undefined,
    )
    return (await moveVisit(ctx, ticket, { start, end }, 'reschedule')).ticket
  },
})

/** Replaces the set of technicians on a ticket, checking the newcomers are free. */
export const assignTechnicians = defineAction({
  key: 'ticket.assign_technicians',
  phrases: ['put a technician on a job', 'send a different technician', 'who does this visit', 'assign', 'dispatch', 'technician', 'crew'],
  title: 'Assign technicians to a visit',
  place: visit('Technicians'),
  words: { phrase: 'assign technicians to an appointment' },
  description:
    'Set who does a ticket: technician_ids replaces the whole set ([] leaves it unassigned). Every technician must be free ' +
    "for the ticket's time (else CONFLICT naming the clashing ticket). Someone who already clocked in cannot be removed.",
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ ticket_id: z.uuid(), technician_ids: technicianRefs }),
  output: TICKET_RECORD,
  async run(ctx, input) {
    const ticket = await lockTicket(ctx.db, input.ticket_id)
    assertActive(ticket, 'change its technicians')
    const technicianIds = (await resolveTechnicians(ctx.db, input.technician_ids, 'data.technician_ids')).map((id) => id.toLowerCase())
    await loadTechnicians(ctx.db, technicianIds, 'data.technician_ids')
    const same = { start: new Date(ticket.scheduled_start), end: new Date(ticket.scheduled_end), technicianIds }
    return (await moveVisit(ctx, ticket, same, 'assign_technicians')).ticket
  },
})

/** Calls off an appointment, keeping it (and why) on record. */
export const cancelTicket = defineAction({
  key: 'ticket.cancel',
  phrases: ['cancel an appointment', 'the customer cancelled the visit', 'call off', 'cancel appointment'],
  title: 'Cancel a visit',
  place: visit('Cancel'),
  words: { phrase: 'cancel an appointment' },
  description:
    'Cancel a scheduled, confirmed or in-progress ticket, with the reason. The ticket stays on record with status cancelled ' +
    "and frees its technicians' time; its pending appointment emails are cancelled. A cancelled ticket cannot be reopened: book a new one.",
  access: { agent: 'soft_limit', technician: 'none' },
  input: z.strictObject({
    ticket_id: z.uuid(),
    reason: z.string().trim().min(1).max(1000).describe('Why, e.g. "customer asked by phone"'),
  }),
  preview: previewCancel,
  facts: CANCEL_FACTS,
  output: TICKET_RECORD,
  async run(ctx, input) {
    const ticket = await lockTicket(ctx.db, input.ticket_id)
    assertActive(ticket, 'be cancelled')
    const settings = await loadTenantSettings(ctx.db)
    const before = await ticketDetail(ctx.db, ticket.id, settings)
    await ctx.db.query(`update tickets set status = 'cancelled', cancel_reason = $2, cancelled_at = $3 where id = $1`, [
      ticket.id,
      input.reason,
      ctx.services.now(),
    ])
    await cancelAppointmentMessages(ctx, ticket.id)
    const after = await audited(ctx, ticket.id, 'cancel', before)
    await refreshContactLifecycles(ctx, [ticket.contact_id])
    return after
  },
})

/** Records that the customer was not there for the appointment. */
export const markNoShow = defineAction({
  key: 'ticket.no_show',
  phrases: ['customer was not home', 'nobody answered the door', 'missed appointment', 'no-show', 'missed appointment', 'nobody home'],
  title: 'Record a no-show',
  place: visit('No-show'),
  words: { phrase: 'mark a customer as a no-show' },
  description:
    "Record that the customer was not there: status no_show. Only once the appointment's start time has passed. " +
    "An optional note is added to the ticket's notes.",
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject({ ticket_id: z.uuid(), note: z.string().trim().min(1).max(1000).optional() }),
  output: TICKET_RECORD,
  async run(ctx, input) {
    const ticket = await lockTicket(ctx.db, input.ticket_id)
    assertActive(ticket, 'be marked as a no-show')
    const settings = await loadTenantSettings(ctx.db)
    if (new Date(ticket.scheduled_start) > ctx.services.now()) {
      throw new AppError(
        'CONFLICT',
        `Ticket #${ticket.number} starts ${wallClock(new Date(ticket.scheduled_start), settings.timezone)} ` +
          `(${settings.timezone}); a no-show can be recorded only after the start time`,
        { ticket_id: ticket.id },
      )
    }
    const before = await ticketDetail(ctx.db, ticket.id, settings)
    await ctx.db.query(
      `update tickets set status = 'no_show',
        notes = case when $2::text is null then notes else concat_ws(E'\\n', notes, 'No-show: ' || $2) end
      where id = $1`,
      [ticket.id, input.note ?? null],
    )
    await cancelAppointmentMessages(ctx, ticket.id)
    const after = await audited(ctx, ticket.id, 'no_show', before)
    await refreshContactLifecycles(ctx, [ticket.contact_id])
    return after
  },
})

/** The end of a visit from what the caller gave; an end before the start, or an end that contradicts the duration, is refused. */
function endOf(start: Date, end: Date | undefined, minutes: number, durationGiven: boolean): Date {
  if (!end) return new Date(start.getTime() + minutes * 60_000)
  if (end <= start)
    throw validationError([{ field: 'data.scheduled_end', message: `must be after scheduled_start (${start.toISOString()})` }])
  if (durationGiven && end.getTime() - start.getTime() !== minutes * 60_000) {
    throw validationError([
      {
        field: 'data.duration_minutes',
        message:
          `is ${minutes} but scheduled_start to scheduled_end is ` +
          `${(end.getTime() - start.getTime()) / 60_000} minutes; give one of them`,
      },
    ])
  }
  return end
}

/** The moves between statuses that ticket.update allows. */
const TRANSITIONS: Record<string, readonly string[]> = {
  scheduled: ['confirmed', 'in_progress'],
  confirmed: ['in_progress'],
}

function assertTransition(ticket: TicketRow, to: string): void {
  if (!TRANSITIONS[ticket.status]?.includes(to)) {
    throw new AppError(
      'CONFLICT',
      `Ticket #${ticket.number} is ${ticket.status.replace('_', '-')} and cannot become ${to.replace('_', '-')}`,
      { ticket_id: ticket.id, status: ticket.status, field: 'data.status' },
    )
  }
}
