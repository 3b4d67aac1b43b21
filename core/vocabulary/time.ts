/** Where the morning ends and the afternoon starts (HH:MM), for a customer's preferred time of day and the waitlist's. */
import { dateFormat } from '../text/date-format.js'
export const NOON = '12:00'

/** Day names as stored in business hours and preferences. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
/** A day name. */
export type Weekday = (typeof WEEKDAYS)[number]

/** The calendar date (YYYY-MM-DD) an instant falls on in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const p = parts(instant, timeZone)
  return `${p.year}-${p.month}-${p.day}`
}

/** Wall-clock time with its UTC offset, e.g. 2026-11-01T01:00:00-05:00, as every instant input takes it. */
export function localStamp(instant: Date, timeZone: string): string {
  const date = localDate(instant, timeZone)
  const time = localTime(instant, timeZone)
  const offset = Math.round((Date.parse(`${date}T${time}:00Z`) - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000)
  const abs = Math.abs(offset)
  return `${date}T${time}:00${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/** The wall-clock time (HH:MM) of an instant in a time zone. */
export function localTime(instant: Date, timeZone: string): string {
  const p = parts(instant, timeZone)
  return `${p.hour}:${p.minute}`
}

/** The weekday of a calendar date (YYYY-MM-DD). */
export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]
}

/** The UTC instant of a wall-clock date and time in a time zone (the earlier one when clocks fall back). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const guess = new Date(`${date}T${time}:00Z`)
  // Two passes settle on the offset in force at that wall-clock time, across DST changes.
  let t = guess.getTime() - offsetMs(guess, timeZone)
  t = guess.getTime() - offsetMs(new Date(t), timeZone)
  return new Date(t)
}

/** [start, end) in UTC of a calendar day in a time zone. */
export function dayRange(date: string, timeZone: string): { start: Date; end: Date } {
  return { start: zonedInstant(date, '00:00', timeZone), end: zonedInstant(addDays(date, 1), '00:00', timeZone) }
}

/** A calendar date plus n days. */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** The Monday of a calendar date's week (weeks run Monday to Sunday). */
export function mondayOf(date: string): string {
  return addDays(date, -((WEEKDAYS.indexOf(weekdayOf(date)) + 6) % 7))
}

/** Whole days from one calendar date to another (negative when `to` comes first). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000)
}

/** A calendar date plus n months, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const first = new Date(Date.UTC(y, m - 1 + n, 1))
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  first.setUTCDate(Math.min(d, last))
  return first.toISOString().slice(0, 10)
}

function offsetMs(instant: Date, timeZone: string): number {
  const p = parts(instant, timeZone)
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second)
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000
}

/** The parts of an instant's local time, 24-hour, in a time zone. */
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  return dateFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
}

function parts(instant: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const out: Record<string, string> = {}
  for (const p of zoneFormat(timeZone).formatToParts(instant)) if (p.type !== 'literal') out[p.type] = p.value
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>
}

/** The weekday of a calendar date in English, e.g. "Wednesday". */
export function weekdayName(date: string): string {
  return dateFormat('en-US', { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`))
}
