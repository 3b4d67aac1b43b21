import { ACTIVE_STATUSES } from './ticket-states.js'

/*
 * The one rule for which visits are still ahead and which are past, shared by every reader (the tickets list's
 * when= and per_contact=next, the customer page, customer_overview, the contacts list's visits, the timeline): a visit
 * is upcoming while it is booked (scheduled, confirmed or in progress) and not over; a completed, cancelled or no-show
 * visit is past whatever its scheduled time, so a visit closed before its day is never listed as still to come.
 */

const BOOKED = ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ')

/** SQL: the ticket of `alias` is still ahead at `now` (an SQL expression): booked and not over yet. */
export function upcomingVisitSql(alias: string, now: string): string {
  return `(${alias}.status in (${BOOKED}) and ${alias}.scheduled_end > ${now})`
}

/**
 * SQL: when the visit of `alias` belongs in a history: its start, or when it was completed or cancelled if that came
 * first (a visit closed or called off ahead of its day is not shown in the future).
 */
export function visitMomentSql(alias: string): string {
  return `(case when ${alias}.status = 'completed' then least(${alias}.scheduled_start, ${alias}.closed_at)
    when ${alias}.status = 'cancelled' then least(${alias}.scheduled_start, coalesce(${alias}.cancelled_at, ${alias}.scheduled_start))
    else ${alias}.scheduled_start end)`
}
