import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { loadTenantSettings } from '../settings/model.js'
import {
  assertActive,
  assertNotClosed,
  audited,
  instantInput,
  instantOf,
  lockTicket,
  TICKET_RECORD,
  ticketDetail,
  type TicketRow,
} from './model.js'
import { checkVisitDay, earlyInput, refuseEarlyAgent } from './visit-day.js'
import { visitFor } from '../../vocabulary/places.js'

/** How far ahead of the server's clock a given time may be (phones' clocks drift). */
const CLOCK_SKEW_MS = 5 * 60_000
/** How far back a given time may be: a press kept on a phone without signal is sent within a day; nothing older is accepted. */
const LATEST_BACK_MS = 24 * 3600_000

const clockInput = z.strictObject({
  ticket_id: z.uuid(),
  user_id: z.uuid().optional().describe("The technician; default: the person signed in if assigned, else the ticket's only technician"),
  at: instantInput
    .optional()
    .describe('When, if not now: at most 24 hours back, not in the future (ISO 8601; without an offset: business time zone)'),
})

/** Starts a technician's time on a job; the ticket becomes in progress. */
export const clockIn = defineAction({
  key: 'ticket.clock_in',
  phrases: ['technician arrived at the job', 'start the timer on a visit', 'start job', 'arrived', 'time tracking'],
  title: 'Clock in',
  place: visitFor('Clock in'),
  words: { phrase: 'clock a technician in' },
  description:
    'Clock a technician in on a ticket they are assigned to (now, or at a given time not in the future). ' +
    "The ticket becomes in_progress. A clock-in starts on the visit's day in the business time zone: earlier is a CONFLICT (a given " +
    'time before it: VALIDATION_ERROR on at) saying from when; only an owner may clock in sooner, with early true (audited). ' +
    'A technician clocks in only themself; an owner or agent names the technician with user_id.',
  access: { agent: 'unrestricted', technician: 'assigned', refuseAgent: refuseEarlyAgent },
  input: clockInput.extend({ early: earlyInput }),
  output: TICKET_RECORD,
  async run(ctx, input) {
    const ticket = await lockTicket(ctx.db, input.ticket_id)
    assertActive(ticket, 'be clocked in on')
    const settings = await loadTenantSettings(ctx.db)
    const before = await ticketDetail(ctx.db, ticket.id, settings)
    const tech = technicianFor(ctx, ticket, before, input.user_id)
    if (tech.clock_in_at) {
      throw new AppError(
        'CONFLICT',
        `${tech.name || tech.user_id} already clocked in on ticket #${ticket.number} at ${new Date(tech.clock_in_at).toISOString()}`,
        { ticket_id: ticket.id, technician_id: tech.user_id },
      )
    }
    const at = timeOf(ctx, input.at, settings.timezone)
    const early = checkVisitDay(ctx, ticket, at, settings.timezone, {
      doing: 'clock-in',
      early: input.early,
      field: input.at === undefined ? undefined : 'data.at',
    })
    await ctx.db.query('update ticket_technicians set clock_in_at = $3 where ticket_id = $1 and user_id = $2', [
      ticket.id,
      tech.user_id,
      at,
    ])
    await ctx.db.query(`update tickets set status = 'in_progress' where id = $1 and status <> 'in_progress'`, [ticket.id])
    return audited(ctx, ticket.id, 'clock_in', before, { ...givenTime(input.at, at), ...early })
  },
})

/** Ends a technician's time on a job; completing the ticket is the close-out's work. */
export const clockOut = defineAction({
  key: 'ticket.clock_out',
  phrases: ['technician finished and left the job', 'stop the timer on a visit', 'finish job', 'left', 'time tracking'],
  title: 'Clock out',
  place: visitFor('Clock out'),
  words: { phrase: 'clock a technician out' },
  description:
    'Clock a technician out of a ticket they clocked in on (now, or at a given time not in the future and not before the clock-in). ' +
    'The ticket stays in_progress until it is closed out. A technician clocks out only themself; an owner or agent names the technician with user_id.',
  access: { agent: 'unrestricted', technician: 'assigned' },
  input: clockInput,
  output: TICKET_RECORD,
  async run(ctx, input) {
    const ticket = await lockTicket(ctx.db, input.ticket_id)
    assertNotClosed(ticket, 'be clocked out of')
    const settings = await loadTenantSettings(ctx.db)
    const before = await ticketDetail(ctx.db, ticket.id, settings)
    const tech = technicianFor(ctx, ticket, before, input.user_id)
    const who = tech.name || tech.user_id
    if (!tech.clock_in_at)
      throw new AppError('CONFLICT', `${who} has not clocked in on ticket #${ticket.number}`, {
        ticket_id: ticket.id,
        technician_id: tech.user_id,
      })
    if (tech.clock_out_at) {
      throw new AppError(
        'CONFLICT',
        `${who} already clocked out of ticket #${ticket.number} at ${new Date(tech.clock_out_at).toISOString()}`,
        { ticket_id: ticket.id, technician_id: tech.user_id },
      )
    }
    const at = timeOf(ctx, input.at, settings.timezone)
    if (at < new Date(tech.clock_in_at)) {
      throw validationError([{ field: 'data.at', message: `is before ${who}'s clock-in at ${new Date(tech.clock_in_at).toISOString()}` }])
    }
    await ctx.db.query('update ticket_technicians set clock_out_at = $3 where ticket_id = $1 and user_id = $2', [
      ticket.id,
      tech.user_id,
      at,
    ])
    return audited(ctx, ticket.id, 'clock_out', before, givenTime(input.at, at))
  },
})

interface TechnicianOnTicket {
  user_id: string
  name: string
  clock_in_at: Date | null
  clock_out_at: Date | null
}

/** Whose clock this is: technicians act for themselves (core refuses another's user_id); others name the technician unless it is themself or the ticket's only one. */
function technicianFor(
  ctx: OperationContext,
  ticket: TicketRow,
  detail: Record<string, unknown>,
  userId: string | undefined,
): TechnicianOnTicket {
  const techs = detail.technicians as TechnicianOnTicket[]
  const actor = ctx.actor
  let id = userId
  if (id === undefined && actor.type === 'user' && (actor.role === 'technician' || techs.some((t) => t.user_id === actor.id))) id = actor.id
  if (id === undefined) {
    if (techs.length !== 1) {
      throw validationError([
        {
          field: 'data.user_id',
          message:
            `is required: ticket #${ticket.number} has ${techs.length} technicians` +
            (techs.length ? ` (${techs.map((t) => `${t.name || 'unnamed'} ${t.user_id}`).join(', ')})` : ''),
        },
      ])
    }
    id = techs[0].user_id
  }
  const tech = techs.find((t) => t.user_id === id)
  if (!tech) {
    throw new AppError(
      'CONFLICT',
      `User ${id} is not assigned to ticket #${ticket.number}; assign them first with ticket.assign_technicians`,
      { ticket_id: ticket.id, field: 'data.user_id' },
    )
  }
  return tech
}

/** The moment given (or now); a time in the future or more than a day back is refused. */
function timeOf(ctx: OperationContext, at: string | undefined, timeZone: string): Date {
  const now = ctx.services.now()
  if (at === undefined) return now
  const t = instantOf(at, timeZone)
  if (t.getTime() > now.getTime() + CLOCK_SKEW_MS)
    throw validationError([{ field: 'data.at', message: `is in the future (now is ${now.toISOString()})` }])
  if (t.getTime() < now.getTime() - LATEST_BACK_MS) {
    throw validationError([{ field: 'data.at', message: `is more than 24 hours ago (now is ${now.toISOString()})` }])
  }
  return t
}

/** What the audit notes about a time given instead of now: the time asked for and when it was recorded. */
function givenTime(asked: string | undefined, at: Date): Record<string, unknown> {
  return asked === undefined ? {} : { time_given: { at: at.toISOString(), asked } }
}
