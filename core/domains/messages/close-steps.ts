import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { addMonths, localDate, zonedInstant } from '../../vocabulary/time.js'
import { scheduleMessage } from './actions.js'
import { APPOINTMENT_KINDS, cancelAppointmentMessages } from './appointment-messages.js'

/** What these steps read and answer of a visit's close (tickets holds its close to it). */
export interface MessagesClose {
  input: { next_service: { kind: string; months?: number } }
  ticket: { id: string; number: number; contact_id: string; scheduled_start: Date }
  settings: { timezone: string }
  now: Date
  result: {
    cancelled_message_ids: string[]
    reach_out: { message_id: string; send_at: Date; already_queued: boolean } | null
  }
}

/** Local time of day a "reach out in X months" message goes out. */
const REACH_OUT_TIME = '10:00'
/** Two reach-outs to one customer this many days apart or less would say the same thing: only one is queued. */
export const REACH_OUT_SAME_DAYS = 31

/** The visit's still-queued confirmation, follow-ups and reminder are cancelled: the visit is done (also when done early). */
export async function cancelPendingConfirmations(ctx: OperationContext, { ticket, now, result }: MessagesClose): Promise<void> {
  const early = now < new Date(ticket.scheduled_start)
  result.cancelled_message_ids = await cancelAppointmentMessages(
    ctx,
    ticket.id,
    APPOINTMENT_KINDS,
    `Not sent: appointment #${ticket.number} was completed${early ? ' before its scheduled time' : ''} at ${now.toISOString()}`,
  )
}

/** The "time for your next visit" email the close asked for, in N months at REACH_OUT_TIME in the business's zone. */
export async function queueReachOut(ctx: OperationContext, { input, ticket, settings, now, result }: MessagesClose): Promise<void> {
  const months = input.next_service.kind === 'reach_out' ? input.next_service.months : undefined
  if (months === undefined) return
  const tz = settings.timezone
  const sendAt = zonedInstant(addMonths(localDate(now, tz), months), REACH_OUT_TIME, tz)
  result.reach_out = await scheduleReachOut(ctx, ticket, sendAt)
}

/**
 * Schedules the "time for your next visit" email, once per customer: when a reach-out to them is already pending within
 * REACH_OUT_SAME_DAYS of this one (two visits closed together, each asking for one), that one stands for both. A lock
 * per customer makes two closes at the same moment take turns, so neither misses the other's.
 */
async function scheduleReachOut(
  ctx: OperationContext,
  ticket: MessagesClose['ticket'],
  sendAt: Date,
): Promise<MessagesClose['result']['reach_out']> {
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
