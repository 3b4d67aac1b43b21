import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { dayRange, localDate } from '../../vocabulary/time.js'
import { wallClock, type TicketRow } from './model.js'

/*
 * Work on a visit (a clock-in, a close-out) starts on the visit's day in the business's time zone, from 00:00, and
 * any time after (a visit closed late still closes). Before that day only an owner may start it, by saying so (early),
 * and the audit keeps that they did: a technician's slip or an agent's guess never completes next month's visit.
 */

/** The input field by which an owner starts work on a visit before its day. */
export const earlyInput = z
  .literal(true)
  .optional()
  .describe("Owner only: start before the visit's day (in the business time zone); the audit records it. Not needed on or after its day")

/** A call naming early: never an agent's to make (the owner's override), for authorize's refuseAgent. */
export function refuseEarlyAgent(input: { early?: true }): string | null {
  return input.early
    ? "early (starting work before the visit's day) is the owner's alone: ask the owner, or wait for the visit's day"
    : null
}

/** The visit's day (YYYY-MM-DD, business time zone) and the instant it begins. */
export function visitDayOf(ticket: { scheduled_start: Date | string }, timeZone: string): { day: string; opens: Date } {
  const day = localDate(new Date(ticket.scheduled_start), timeZone)
  return { day, opens: dayRange(day, timeZone).start }
}

/** What a caller refused before the visit's day can do instead: in words, and the call to make when there is one. */
export interface InsteadOfWaiting {
  say: string
  example?: { action: string; data: Record<string, unknown> }
}

/**
 * Refuses `doing` (e.g. "close-out") on the ticket at `at` before the visit's day, unless an owner gave early; answers
 * what the audit notes about an early start ({} on or after the day). `field` names the input that gave `at`, if any;
 * `instead` is added to the refusal.
 */
export function checkVisitDay(
  ctx: OperationContext,
  ticket: Pick<TicketRow, 'id' | 'number' | 'scheduled_start'>,
  at: Date,
  timeZone: string,
  opts: { doing: string; early?: boolean; field?: string; instead?: InsteadOfWaiting },
): Record<string, unknown> {
  const { day, opens } = visitDayOf(ticket, timeZone)
  if (at.getTime() >= opens.getTime()) return {}
  const actor = ctx.actor
  if (opts.early && actor.type === 'user' && actor.role === 'owner') return { started_before_its_day: day }
  // Anyone else, early or not, is told when it opens: the override is the owner's (agents are refused it by refuseEarlyAgent).
  const message =
    `ticket #${ticket.number} is booked for ${wallClock(new Date(ticket.scheduled_start), timeZone)}: its ${opts.doing} can start ` +
    `from ${wallClock(opens, timeZone)} (${timeZone}), the visit's day; only an owner can start it sooner (early: true)`
  if (opts.field) throw validationError([{ field: opts.field, message: `is before the visit's day: ${message}` }])
  const instead = opts.instead ? `. ${opts.instead.say}` : ''
  throw new AppError('CONFLICT', `${message.charAt(0).toUpperCase()}${message.slice(1)}${instead}`, {
    ticket_id: ticket.id,
    opens_at: opens.toISOString(),
    day,
    ...(opts.instead ? { instead: opts.instead } : {}),
  })
}
