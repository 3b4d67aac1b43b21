/*
 * Dates and times in words, as every email and customer page writes them: "Tuesday, March 3, 2026", "March 18, 2026",
 * "9:00 AM", "Tuesday, March 3, 2026 at 9:00 AM CST". English, the business's time zone for instants.
 */
import { dateFormat } from './date-format.js'

/** "Tuesday, March 3, 2026" (or without the weekday) in a time zone. */
export function longDate(instant: Date, timeZone: string, weekday = true): string {
  return dateFormat('en-US', {
    timeZone,
    ...(weekday ? { weekday: 'long' } : {}),
    month: 'long',
    day: 'numeric',
    year: 'numeric',
  }).format(instant)
}

/** A calendar date (YYYY-MM-DD, such as a due date) as "March 18, 2026"; anything else is given back as it is. */
export function dayWords(date: string): string {
  const noon = new Date(`${date}T12:00:00Z`)
  return /^\d{4}-\d\d-\d\d$/.test(date) && !Number.isNaN(noon.getTime()) ? longDate(noon, 'UTC', false) : date
}

/** "9:00 AM" in a time zone. */
export function clockTime(instant: Date, timeZone: string): string {
  return dateFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(instant)
}

/** "Tuesday, March 4, 2031 at 9:00 AM" in a time zone. */
export function whenText(instant: Date, timeZone: string): string {
  return `${longDate(instant, timeZone)} at ${clockTime(instant, timeZone)}`
}

/**
 * "Tuesday, March 4, 2031 at 9:00 AM CST": whenText with the zone's abbreviation at that instant (CST or CDT, as the
 * clocks then are), for a time read by someone who may not be in the business's time zone.
 */
export function whenTextWithZone(instant: Date, timeZone: string): string {
  return `${whenText(instant, timeZone)} ${zoneAbbreviation(instant, timeZone)}`
}

/** The time zone's short name at an instant, as en-US writes it: "CST", "CDT", "EST"; "GMT+1" where it has none. */
export function zoneAbbreviation(instant: Date, timeZone: string): string {
  const part = dateFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')
  return part?.value ?? timeZone
}
