import { addDays, localDate, localTime, zonedInstant } from '../../vocabulary/time.js'

/** Marketing texts go only between these wall-clock times in the customer's zone. */
export const MARKETING_HOURS = { from: '08:00', until: '21:00' } as const

/**
 * When a marketing text may go: now when it is 8:00 to 21:00 in the customer's zone, else the next 8:00 there (the
 * zone's own 8:00, across a change of daylight saving time).
 */
export function marketingMayGoAt(now: Date, timeZone: string): Date {
  const time = localTime(now, timeZone)
  const today = localDate(now, timeZone)
  if (time >= MARKETING_HOURS.from && time < MARKETING_HOURS.until) return now
  const day = time < MARKETING_HOURS.from ? today : addDays(today, 1)
  return zonedInstant(day, MARKETING_HOURS.from, timeZone)
}
