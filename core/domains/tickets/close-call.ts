import type { OperationContext } from '../../kernel/context.js'
import { AppError, type FieldIssue, validationError } from '../../kernel/errors.js'
import { localDate, localTime } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { bookedLines, linesOfCall } from './close-lines.js'
import type { CloseCallInput, CloseTicketInput } from './close-input.js'
import { assertActive, lockTicket, techniciansOf, wallClock, type TicketRow } from './model.js'
import { checkVisitDay, type InsteadOfWaiting } from './visit-day.js'

/*
 * ticket.close takes the close-out in one call: what the ticket already says may be left out (the lines as booked, the
 * time from the clock, keeping a recurring series going), a line may name its service, and whatever is still missing
 * comes back in one error that lists every missing fact with a call that would do.
 */

/**
 * The whole close-out payload a ticket.close call means, read against the ticket: refused first when the visit cannot be
 * closed at all (completed, cancelled, before its day: saying from when and what to do instead), then with every missing
 * fact at once.
 */
export async function closePayload(ctx: OperationContext, input: CloseCallInput): Promise<CloseTicketInput> {
  const ticket = await lockTicket(ctx.db, input.ticket_id)
  assertActive(ticket, 'be completed')
  const { timezone } = await loadTenantSettings(ctx.db)
  const now = ctx.services.now()
  checkVisitDay(ctx, ticket, now, timezone, { doing: 'close-out', early: input.early, instead: insteadOfWaiting(ctx, ticket, timezone) })
  const lines = input.line_items
    ? await linesOfCall(ctx.db, ticket.id, input.line_items, 'data.line_items')
    : await bookedLines(ctx.db, ticket.id)
  // As the close-out's confirmation: a fact is kept once.
  const twice = input.attributes.findIndex((a, i) => input.attributes.findIndex((b) => b.key === a.key) !== i)
  if (twice >= 0) {
    const key = input.attributes[twice].key
    throw validationError([{ field: `data.attributes.${twice}.key`, message: `${key} is given twice; keep one value` }])
  }
  const missing: FieldIssue[] = []
  const duration = input.duration_minutes ?? (await clockedTime(ctx, ticket, timezone, missing))
  if (!lines.length) missing.push({ field: 'data.line_items', message: `is required: ticket #${ticket.number} has no work booked on it` })
  if (ticket.is_price_estimated && input.final_price_confirmed !== true) {
    missing.push({
      field: 'data.final_price_confirmed',
      message: `must be true: ticket #${ticket.number} was booked with an estimated price; confirm the final price with the customer first`,
    })
  }
  if (input.notes === undefined) missing.push({ field: 'data.notes', message: 'is required: what the technician saw, or "" for none' })
  const keepsGoing = input.next_service ? false : await inSeriesThatKeepsGoing(ctx, ticket.id)
  const next = input.next_service ?? (keepsGoing ? { kind: 'keep_series' as const } : undefined)
  if (!next) {
    missing.push({
      field: 'data.next_service',
      message: 'is required: reach_out in some months, schedule the next visit now, or none',
    })
  }
  if (missing.length) throw await missingFacts(ctx, ticket, missing)
  return {
    ticket_id: ticket.id,
    duration_minutes: duration as number,
    line_items: lines,
    final_price_confirmed: input.final_price_confirmed,
    notes: input.notes as string,
    next_service: next as CloseTicketInput['next_service'],
    attributes: input.attributes,
    early: input.early,
  }
}

/** The time on site the clocks say: first clock-in to last clock-out; a missing fact while nobody clocked in or someone still is. */
async function clockedTime(ctx: OperationContext, ticket: TicketRow, timezone: string, missing: FieldIssue[]): Promise<number | undefined> {
  const techs = ((await techniciansOf(ctx.db, [ticket.id])).get(ticket.id) ?? []) as Array<{
    name: string
    clock_in_at: Date | null
    clock_out_at: Date | null
  }>
  const clocked = techs.filter((t) => t.clock_in_at)
  const stillIn = clocked.find((t) => !t.clock_out_at)
  if (clocked.length && !stillIn) {
    const first = Math.min(...clocked.map((t) => new Date(t.clock_in_at as Date).getTime()))
    const last = Math.max(...clocked.map((t) => new Date(t.clock_out_at as Date).getTime()))
    return Math.min(1440, Math.max(0, Math.round((last - first) / 60_000)))
  }
  const why = stillIn
    ? `${stillIn.name} is still clocked in (since ${wallClock(new Date(stillIn.clock_in_at as Date), timezone)})`
    : `nobody clocked in on ticket #${ticket.number}${new Date(ticket.scheduled_start) > ctx.services.now() ? ', whose booked time has not come yet' : ''}`
  missing.push({ field: 'data.duration_minutes', message: `is required: ${why}; give the time actually spent on site, in minutes` })
  return undefined
}

/** A VALIDATION_ERROR listing the missing facts, with a ticket.close call that gives them (the values are examples). */
async function missingFacts(ctx: OperationContext, ticket: TicketRow, missing: FieldIssue[]): Promise<AppError> {
  const example: Record<string, unknown> = { ticket_id: `#${ticket.number}` }
  for (const { field } of missing) {
    const name = field.replace(/^data\./, '')
    if (name === 'duration_minutes')
      example[name] = Math.round((new Date(ticket.scheduled_end).getTime() - new Date(ticket.scheduled_start).getTime()) / 60_000)
    if (name === 'line_items') example[name] = [await exampleLine(ctx)]
    if (name === 'final_price_confirmed') example[name] = true
    if (name === 'notes') example[name] = ''
    if (name === 'next_service') example[name] = { kind: 'reach_out', months: 6 }
  }
  const text = missing.map((i) => `${i.field}: ${i.message}`).join('; ')
  return new AppError(
    'VALIDATION_ERROR',
    `Ticket #${ticket.number} cannot be closed yet: ${text}. Call ticket.close again with these too (the values are examples), ` +
      `e.g. ${JSON.stringify(example)}`,
    { issues: missing, example: { action: 'ticket.close', data: example } },
  )
}

/** A line of work as an example: the first service of the catalog by name, or a line priced by hand. */
async function exampleLine(ctx: OperationContext): Promise<Record<string, unknown>> {
  const r = await ctx.db.query<{ name: string }>(`select name from services where status = 'active' order by lower(name), id limit 1`)
  return r.rows[0] ? { service: r.rows[0].name, quantity: 1 } : { description: 'Window cleaning', unit_price_cents: 15000 }
}

/** What a caller refused before the visit's day can do instead, by who they are. */
function insteadOfWaiting(ctx: OperationContext, ticket: TicketRow, timezone: string): InsteadOfWaiting {
  const actor = ctx.actor
  if (actor.type === 'user' && actor.role === 'owner') {
    return {
      say: 'To close it sooner on purpose, make the same call with early: true (the audit records it)',
      example: { action: 'ticket.close', data: { ticket_id: `#${ticket.number}`, early: true } },
    }
  }
  if (actor.type === 'user')
    return { say: 'If the work is done already, ask the owner: only an owner can move the visit or close it sooner' }
  const today = localDate(ctx.services.now(), timezone)
  return {
    say:
      'If the work was done today, first move the visit to today with ticket.reschedule (the customer is not emailed about ' +
      'it; its reminders for the old day are cancelled), then close it; otherwise close it from its day on, or ask the owner, ' +
      'who alone can close it sooner',
    example: {
      action: 'ticket.reschedule',
      // Now, when the work was done: a start already here keeps the customer's confirmation, as nobody could answer it again.
      data: { ticket_id: `#${ticket.number}`, scheduled_start: `${today}T${localTime(ctx.services.now(), timezone)}` },
    },
  }
}

/** Whether the ticket is a visit of a series that has not ended (its next visit then comes from the series). */
async function inSeriesThatKeepsGoing(ctx: OperationContext, ticketId: string): Promise<boolean> {
  const r = await ctx.db.query<{ status: string }>(
    'select s.status from tickets t join series s on s.tenant_id = t.tenant_id and s.id = t.series_id where t.id = $1',
    [ticketId],
  )
  return r.rows[0] !== undefined && r.rows[0].status !== 'ended'
}
