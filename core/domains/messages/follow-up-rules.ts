import { addDays, addMonths, localDate, zonedInstant } from '../../vocabulary/time.js'

/*
 * What is due when, for the follow-ups that chase for the owner. Every step falls on a calendar day of the business at
 * its reminder time (settings reminder_time), so a step lands at the same wall-clock time across a change of clocks.
 * The worker queues a step once its time is within FOLLOW_UP_AHEAD_HOURS, so the owner and the agent see it (and may
 * cancel it) before it goes; a step whose time passed more than FOLLOW_UP_STALE_HOURS ago is never sent late.
 */

/** The kinds of message that follow-ups are. */
export const FOLLOW_UP_KINDS = ['invoice_reminder', 'quote_follow_up', 'review_request'] as const
/** One of the follow-up kinds. */
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number]

/** How far ahead a step is queued, so it is visible (and can be stopped) before it goes. */
export const FOLLOW_UP_AHEAD_HOURS = 24
/** A step whose time passed longer ago than this (the worker was down, the rule was just turned on) is skipped. */
export const FOLLOW_UP_STALE_HOURS = 48

const HOUR = 3_600_000

/** One step of a rule: its name (unique per record) and when it goes. */
export interface FollowUpStep {
  step: string
  send_at: Date
}

/** Where the steps fall: the business's time zone and the time of day its reminders go out (HH:MM). */
export interface FollowUpClock {
  timezone: string
  reminder_time: string
}

/** The name of an invoice reminder step: days from the due date, signed (due-3, due+0, due+7). */
export function invoiceStepName(days: number): string {
  return `due${days < 0 ? '' : '+'}${days}`
}

/** The step name of a reminder someone asked for (invoice.remind) rather than the schedule: asked-<when>, unique per invoice. */
export function askedStepName(at: Date): string {
  return `asked-${at.toISOString()}`
}

/** Whether a follow-up was asked for by someone (invoice.remind) rather than queued by the schedule. */
export function isAskedStep(step: unknown): boolean {
  return typeof step === 'string' && step.startsWith('asked-')
}

/**
 * The reminders of an invoice due on `dueOn` (YYYY-MM-DD): one per entry of `days` (negative before the due date, 0 on
 * it, positive after), in time order, leaving out any that would go before the invoice was sent.
 */
export function invoiceReminderSteps(dueOn: string, days: readonly number[], sentAt: Date, clock: FollowUpClock): FollowUpStep[] {
  return [...new Set(days)]
    .sort((a, b) => a - b)
    .map((d) => ({ step: invoiceStepName(d), send_at: zonedInstant(addDays(dueOn, d), clock.reminder_time, clock.timezone) }))
    .filter((s) => s.send_at.getTime() > sentAt.getTime())
}

/** The follow-up of a quote valid until `validUntil`, `daysBefore` days before it; null when that is not after it was sent. */
export function quoteFollowUpStep(validUntil: string, daysBefore: number, sentAt: Date, clock: FollowUpClock): FollowUpStep | null {
  const send_at = zonedInstant(addDays(validUntil, -daysBefore), clock.reminder_time, clock.timezone)
  return send_at.getTime() > sentAt.getTime() ? { step: `expires-${daysBefore}`, send_at } : null
}

/** The review request of a visit completed at `completedAt`, `afterDays` days later (business calendar days). */
export function reviewRequestStep(completedAt: Date, afterDays: number, clock: FollowUpClock): FollowUpStep {
  const day = addDays(localDate(completedAt, clock.timezone), afterDays)
  return { step: 'review', send_at: zonedInstant(day, clock.reminder_time, clock.timezone) }
}

/**
 * Whether a customer last asked for a review at `lastAskedAt` may be asked again at `at`: not within `everyMonths`
 * calendar months (business calendar) of the last request.
 */
export function reviewPeriodOver(lastAskedAt: Date | null, at: Date, everyMonths: number, timezone: string): boolean {
  if (!lastAskedAt) return true
  return localDate(at, timezone) >= addMonths(localDate(lastAskedAt, timezone), everyMonths)
}

/** Whether a step is to be queued now: its time is within the look-ahead and not stale. */
export function stepQueuesNow(step: FollowUpStep, now: Date): boolean {
  const t = step.send_at.getTime()
  return t <= now.getTime() + FOLLOW_UP_AHEAD_HOURS * HOUR && t >= now.getTime() - FOLLOW_UP_STALE_HOURS * HOUR
}
