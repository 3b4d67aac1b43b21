import { writeAuditMany } from '../../kernel/audit.js'
import type { OperationContext } from '../../kernel/context.js'
import { addDays, localDate, zonedInstant } from '../../vocabulary/time.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { cancelPendingMessages } from './cancel-pending.js'
import { channelOn } from '../../kernel/message-channel.js'
import { queueMessages } from './queue.js'

/*
 * The emails that follow an appointment's time: a confirmation when it is booked or moved (or, when the business moved
 * it, an email saying from when to when it moved, with the same answer links), follow-ups while the
 * customer has not answered, and a reminder the day before. All of them are queued up front, as pending rows of
 * scheduled_messages, in the same transaction as the booking; an answer, a move or a cancellation cancels the rows
 * that no longer apply. Delivery therefore needs no knowledge of appointments, and the owner sees every email that
 * will go out (and can cancel or move one) before it does.
 */

/** The kinds of message that are about one appointment and follow its time. */
export const APPOINTMENT_KINDS = ['confirmation', 'moved', 'follow_up', 'reminder'] as const
/** One of the appointment kinds. */
export type AppointmentKind = (typeof APPOINTMENT_KINDS)[number]

/** A customer's answer through a response link. */
export type CustomerAnswer = 'confirm' | 'decline' | 'change'

/** A reminder this soon after the confirmation just sent adds nothing, so it is left out. */
export const REMINDER_MIN_GAP_HOURS = 12
/** Without a reminder, the last follow-up goes out at least this long before the appointment. */
export const FOLLOW_UP_LEAD_HOURS = 12

const HOUR = 3_600_000

/** A move the business made: the start the visit had, and a few words for the customer's email. */
export interface BusinessMove {
  from: Date
  note?: string
}

/** One email of the plan. */
export interface PlannedMessage {
  kind: AppointmentKind
  send_at: Date
}

/** The settings the plan depends on. */
export type AppointmentEmailSettings = Pick<
  TenantSettings,
  'timezone' | 'send_confirmations' | 'follow_up_after_hours' | 'follow_up_max' | 'send_reminders' | 'reminder_time'
>

/**
 * How an appointment's emails open: asking to confirm a booking, telling the customer the business moved it, or with
 * nothing, for a time the customer already agreed to (picked from the times offered, or said yes to on the phone).
 */
export type AppointmentOpening = 'confirmation' | 'moved' | 'confirmed'

/**
 * The emails of an appointment starting at `start`, booked or moved at `now`, in send order. The confirmation goes now;
 * a move the business made sends the moved email instead, whether or not confirmations are on, since the customer must
 * hear of it; a time the customer already agreed to is not asked again, so it has neither. The reminder goes the day
 * before at reminder_time (business time zone) unless that is already past, not before the start, or within
 * REMINDER_MIN_GAP_HOURS of the first email. Follow-ups go every follow_up_after_hours after it, at most follow_up_max,
 * only while confirmations are on and the customer is asked, and only before the reminder (or, without one,
 * FOLLOW_UP_LEAD_HOURS before the start).
 */
export function planAppointmentMessages(
  now: Date,
  start: Date,
  settings: AppointmentEmailSettings,
  opening: AppointmentOpening = 'confirmation',
): PlannedMessage[] {
  if (start.getTime() <= now.getTime()) return []
  const confirming = settings.send_confirmations && opening !== 'confirmed'
  const first: AppointmentKind | null = opening === 'moved' ? 'moved' : confirming ? 'confirmation' : null
  let reminder: Date | null = null
  if (settings.send_reminders) {
    const tz = settings.timezone
    const at = zonedInstant(addDays(localDate(start, tz), -1), settings.reminder_time, tz)
    const earliest = now.getTime() + (first ? REMINDER_MIN_GAP_HOURS * HOUR : 0)
    if (at.getTime() > now.getTime() && at.getTime() >= earliest && at.getTime() < start.getTime()) reminder = at
  }
  const plan: PlannedMessage[] = []
  if (first) plan.push({ kind: first, send_at: now })
  if (confirming) {
    const cutoff = reminder ? reminder.getTime() : start.getTime() - FOLLOW_UP_LEAD_HOURS * HOUR
    for (let k = 1; k <= settings.follow_up_max; k++) {
      const at = now.getTime() + k * settings.follow_up_after_hours * HOUR
      if (at >= cutoff) break
      plan.push({ kind: 'follow_up', send_at: new Date(at) })
    }
  }
  if (reminder) plan.push({ kind: 'reminder', send_at: reminder })
  return plan
}

/** What the appointment messages of a ticket depend on: its customer, time and status, and how the customer is reached. */
export interface AppointmentFacts {
  contact_id: string
  scheduled_start: Date
  status: string
  email: string | null
  /** email, text or both: a customer who chose texts is reached without an email address. */
  message_channel: string
}

/**
 * Queues the confirmation (or, for a move the business made, the moved email with its note), follow-ups and reminder of a ticket as the
 * business's settings say, each audited; a confirmed ticket gets only its reminder. Nothing is queued for an appointment
 * that is not scheduled or confirmed or has started, or whose customer has no email address and did not choose texts.
 */
export async function scheduleAppointmentMessages(
  ctx: OperationContext,
  ticketId: string,
  kinds: readonly AppointmentKind[] = APPOINTMENT_KINDS,
  moved: BusinessMove | null = null,
  known?: AppointmentFacts,
): Promise<Array<Record<string, unknown>>> {
  const ticket =
    known ??
    (
      await ctx.db.query<AppointmentFacts>(
        `select t.contact_id, t.scheduled_start, t.status, c.email, c.message_channel
         from tickets t join contacts c on c.id = t.contact_id where t.id = $1`,
        [ticketId],
      )
    ).rows[0]
  if (!ticket || !['scheduled', 'confirmed'].includes(ticket.status)) return []
  if (!ticket.email && ticket.message_channel === 'email') return []
  const settings = await loadTenantSettings(ctx.db)
  const opening = moved ? 'moved' : ticket.status === 'confirmed' ? 'confirmed' : 'confirmation'
  const plan = planAppointmentMessages(ctx.services.now(), new Date(ticket.scheduled_start), settings, opening)
  // A customer who hears only by text is not chased: follow-ups have no words as a text. While texts are off, one with
  // an email address hears by email, and is.
  const byTextOnly = ticket.message_channel === 'text' && (channelOn(ctx.services, 'text') || !ticket.email)
  const chased = byTextOnly ? kinds.filter((k) => k !== 'follow_up') : kinds
  const planned = plan
    .filter((p) => chased.includes(p.kind))
    .map((p) => ({
      ...p,
      moved_from: p.kind === 'moved' && moved ? moved.from : null,
      body: p.kind === 'moved' && moved ? (moved.note ?? null) : null,
    }))
  if (!planned.length) return []
  // One statement for the messages and one for their audit rows, however many the plan holds.
  const m = await queueMessages(
    ctx,
    planned.map((p) => ({
      contact_id: ticket.contact_id,
      kind: p.kind,
      send_at: p.send_at,
      ticket_id: ticketId,
      moved_from: p.moved_from,
      body: p.body,
    })),
  )
  // The plan is in the order of sending.
  const scheduled = m.sort((a, b) => new Date(a.send_at).getTime() - new Date(b.send_at).getTime())
  await writeAuditMany(
    ctx.db,
    ctx,
    scheduled.map((row) => ({ entityType: 'scheduled_message', entityId: String(row.id), action: 'schedule', before: null, after: row })),
  )
  return scheduled
}

/**
 * A customer who just got an email address: their upcoming appointments that never had appointment emails get them now
 * (a confirmed one only its reminder, since there is nothing left to confirm: scheduleAppointmentMessages' rule).
 */
export async function scheduleForNewAddress(ctx: OperationContext, { contact_id: contactId }: { contact_id: string }): Promise<void> {
  const r = await ctx.db.query<{ id: string }>(
    `select t.id from tickets t where t.contact_id = $1 and t.status in ('scheduled', 'confirmed') and t.scheduled_start > $2
       and not exists (select 1 from scheduled_messages m where m.ticket_id = t.id and m.kind = any($3::text[]))
     order by t.scheduled_start`,
    [contactId, ctx.services.now(), [...APPOINTMENT_KINDS]],
  )
  for (const t of r.rows) await scheduleAppointmentMessages(ctx, t.id)
}

/**
 * Cancels a ticket's pending messages of the given kinds (default: all appointment kinds), each audited; returns their ids.
 * A reason, when given, is kept on each message (as delivery keeps why it did not send one).
 */
export async function cancelAppointmentMessages(
  ctx: OperationContext,
  ticketId: string,
  kinds: readonly AppointmentKind[] = APPOINTMENT_KINDS,
  reason?: string,
): Promise<string[]> {
  return cancelPendingMessages(ctx, 'ticket_id = $1 and kind = any($2::text[])', [ticketId, [...kinds]], reason ?? null)
}

/**
 * After a move: the pending appointment emails of the old time are cancelled and those of the new time queued, opening
 * with the moved email when the business made the move. Returns those queued.
 */
export async function replaceAppointmentMessages(
  ctx: OperationContext,
  ticketId: string,
  moved: BusinessMove | null = null,
): Promise<Array<Record<string, unknown>>> {
  await cancelAppointmentMessages(ctx, ticketId)
  return scheduleAppointmentMessages(ctx, ticketId, APPOINTMENT_KINDS, moved)
}

/**
 * What a customer's answer leaves to send. Any answer ends the chasing (the confirmation or moved email if still
 * queued, and its follow-ups); a decline also cancels the reminder, since the visit will not happen at that time.
 */
export async function settleAppointmentMessages(ctx: OperationContext, ticketId: string, answer: CustomerAnswer): Promise<string[]> {
  return cancelAppointmentMessages(ctx, ticketId, answer === 'decline' ? APPOINTMENT_KINDS : ['confirmation', 'moved', 'follow_up'])
}
