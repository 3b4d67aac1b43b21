import { z } from 'zod'
import { wallClock } from '../../core/domains/tickets/model.js'
import { AppError, validationError } from '../../core/kernel/errors.js'
import { localDate, localTime, weekdayOf, zonedInstant } from '../../core/vocabulary/time.js'
import { dayArg, defineTool, recordRefArg, timeArg, type ToolContext } from '../tool.js'
import { datesOf } from './days.js'
import { businessZone, registered, resolveCustomer } from './find-customer.js'
import { nearestSlots, queuedConfirmation } from './schedule-appointment.js'
import { callAction } from '../../core/kernel/call-action.js'
import { callQuery, callQueryAll } from '../../core/kernel/call-query.js'
import { scheduledMessagesQuery } from '../../core/domains/messages/queries.js'
import { settingsQuery } from '../../core/domains/settings/queries.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { rescheduleTicket } from '../../core/domains/tickets/actions.js'
import { updateSeries } from '../../core/domains/series/actions.js'

type Row = Record<string, any>
/** A ticket as read with its technicians. */
type Ticket = z.output<typeof ticketsQuery.record>

const date = dayArg()
const hhmm = timeArg()

/** Layer 2: move an appointment to a new time and renew its confirmation email. */
export const handleRescheduleRequest = defineTool({
  name: 'handle_reschedule_request',
  phrases: ['the customer wants a different day', 'customer asks to move their appointment'],
  title: 'Reschedule an appointment',
  description:
    'Moves a visit (ticket_id or #number, or customer and its date) to new_date and new_time; the customer is told. Not ' +
    'free: "unavailable" with the nearest times. scope: its series too.',
  input: {
    ticket_id: recordRefArg().optional(),
    customer: z.string().trim().min(1).max(200).optional(),
    date: date.optional(),
    new_date: date,
    new_time: hhmm,
    duration_minutes: z.number().int().min(5).max(720).optional(),
    scope: z.enum(['this', 'this_and_future', 'all']).optional(),
    reasoning: z.string().trim().min(1).max(2000).optional(),
  },
  // status says which answer this is (see the description); a queued call also has request_id.
  output: { status: z.string() },
  readOnly: false,
  async run(ctx, given) {
    if (!given.ticket_id && !given.customer)
      throw validationError([{ field: 'ticket_id', message: 'give ticket_id, or customer (and date)' }])
    const tz = await businessZone(ctx)
    const { dates, read_as } = datesOf(ctx, tz, { date: given.date, new_date: given.new_date })
    const args = { ...given, date: dates.date, new_date: dates.new_date as string }
    let ticket: Ticket
    if (args.ticket_id) {
      ticket = await callQuery(ctx, ticketsQuery, { id: args.ticket_id, include: ['technicians'] })
    } else {
      const found = await resolveCustomer(ctx, args.customer ?? '')
      if ('candidates' in found) {
        return found.candidates.length
          ? {
              status: 'choose_customer',
              candidates: found.candidates,
              next: 'call again with ticket_id (see find_customer next_ticket_id)',
            }
          : { status: 'customer_not_found', next: 'find_customer with other words' }
      }
      const today = localDate(ctx.services.now(), tz)
      const tickets = await callQueryAll(ctx, ticketsQuery, {
        params: { contact_id: found.contact.contact_id, status: 'active', ...(args.date ? { date: args.date } : { from: today }) },
        include: ['technicians'],
      })
      if (tickets.length !== 1) {
        return tickets.length
          ? {
              status: 'choose_ticket',
              candidates: tickets
                .slice(0, 10)
                .map((t) => ({ ticket_id: t.id, number: t.number, when: wallClock(new Date(t.scheduled_start), tz), status: t.status })),
              next: 'call again with ticket_id',
            }
          : {
              status: 'ticket_not_found',
              customer: found.contact.name,
              next: `no active appointment ${args.date ? `on ${args.date}` : 'from today on'}; check find_customer`,
            }
      }
      ticket = tickets[0]
    }
    if (args.scope && args.scope !== 'this') return moveSeries(ctx, ticket, { ...args, scope: args.scope }, tz)
    const start = zonedInstant(args.new_date, args.new_time, tz)
    const minutes = args.duration_minutes ?? (Date.parse(ticket.scheduled_end) - Date.parse(ticket.scheduled_start)) / 60_000
    const technicianIds = (ticket.technicians ?? []).map((t) => t.user_id)
    if (start.getTime() < ctx.services.now().getTime())
      throw validationError([{ field: 'new_date', message: `${args.new_date} ${args.new_time} is in the past` }])
    const unavailable = async (why: string) => ({
      status: 'unavailable',
      why,
      nearest: await nearestSlots(ctx, { date: args.new_date, wanted: start, minutes, technicianIds, tz }),
      next: 'call again with one of these as new_date and new_time',
    })
    if (!(await withinHours(ctx, args.new_date, start, minutes, tz)))
      return unavailable(`${args.new_date} ${args.new_time} for ${minutes} minutes is outside business hours`)
    // ticket.reschedule replaces the appointment's pending emails; the ones it cancelled are reported back.
    const pendingBefore = registered(ctx, { type: 'scheduled_messages' })
      ? (await callQueryAll(ctx, scheduledMessagesQuery, { params: { ticket_id: ticket.id, status: 'pending' } })).map((m) => m.id)
      : []
    let moved: Row
    try {
      const outcome = await callAction(ctx, rescheduleTicket, {
        ticket_id: ticket.id,
        scheduled_start: start.toISOString(),
        duration_minutes: minutes,
      })
      if (outcome.queued) return { ...outcome.result }
      moved = outcome.result
    } catch (err) {
      if (err instanceof AppError && err.code === 'CONFLICT') return unavailable(err.message)
      throw err
    }
    const stillPending = pendingBefore.length
      ? new Set((await callQueryAll(ctx, scheduledMessagesQuery, { params: { ticket_id: ticket.id, status: 'pending' } })).map((m) => m.id))
      : new Set<string>()
    const cancelled = pendingBefore.filter((id) => !stillPending.has(id))
    return {
      status: 'rescheduled',
      ...(read_as ? { read_as } : {}),
      ticket: {
        id: moved.id,
        number: moved.number,
        from: wallClock(new Date(ticket.scheduled_start), tz),
        to: wallClock(new Date(moved.scheduled_start), tz),
        until: localTime(new Date(moved.scheduled_end), tz),
        status: moved.status,
        confirmation_status: moved.confirmation_status,
      },
      cancelled_message_ids: cancelled,
      confirmation: await queuedConfirmation(ctx, String(ticket.id)),
    }
  },
})

/** Moves the time of day of a series' visits from this one on, or of all of them, through series.update. */
async function moveSeries(
  ctx: ToolContext,
  ticket: Ticket,
  args: { scope: 'this_and_future' | 'all'; new_date: string; new_time: string; duration_minutes?: number; reasoning?: string },
  tz: string,
): Promise<Row> {
  if (!ticket.series_id)
    throw validationError([
      { field: 'scope', message: `ticket #${ticket.number} is not part of a series; leave scope out to move this visit` },
    ])
  const day = localDate(new Date(ticket.scheduled_start), tz)
  if (args.new_date !== day) {
    throw validationError([
      {
        field: 'new_date',
        message: `a series keeps its days: give the visit's own day ${day} and the new time, or scope this to move only this visit`,
      },
    ])
  }
  const outcome = await callAction(
    ctx,
    updateSeries,
    {
      series_id: ticket.series_id,
      scope: args.scope,
      ticket_id: ticket.id,
      start_time: args.new_time,
      ...(args.duration_minutes ? { duration_minutes: args.duration_minutes } : {}),
    },
    { reasoning: args.reasoning },
  )
  if (outcome.queued) return { ...outcome.result }
  const series = outcome.result
  return {
    status: 'series_rescheduled',
    scope: args.scope,
    series_id: series.id,
    time: series.start_time,
    changed_ticket_ids: series.changed_ticket_ids,
    next_visits: series.next_visits.map((v) => `#${v.number} ${wallClock(new Date(v.scheduled_start), tz)}`),
  }
}

/** Whether a visit from start for the given minutes lies inside one opening period of that day. */
async function withinHours(ctx: ToolContext, day: string, start: Date, minutes: number, tz: string): Promise<boolean> {
  const [settings] = (await callQuery(ctx, settingsQuery)).items
  const end = new Date(start.getTime() + minutes * 60_000)
  const periods = settings.business_hours[weekdayOf(day)] ?? []
  return periods.some(
    ([open, close]) => zonedInstant(day, open, tz).getTime() <= start.getTime() && end.getTime() <= zonedInstant(day, close, tz).getTime(),
  )
}
