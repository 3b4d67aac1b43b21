import rrule from 'rrule'
import { localDate, localTime, zonedInstant } from '../core/vocabulary/time.js'

const { RRule, RRuleSet } = rrule

/** Instances are expanded at most this far ahead when the caller gives no timeMax (Google stops too). */
const HORIZON_MS = 2 * 366 * 86_400_000
const MAX_INSTANCES = 1000

/** An event time as the Calendar API writes it. */
export interface EventTime {
  dateTime?: string
  date?: string
  timeZone?: string
}

/** The instant an event time stands for (an all-day date as UTC midnight). */
export function instantOf(t: EventTime | undefined): number {
  if (!t) return Number.NaN
  if (t.dateTime) return Date.parse(t.dateTime)
  if (t.date) return Date.parse(`${t.date}T00:00:00Z`)
  return Number.NaN
}

/** The id suffix Google gives an instance: its original start in UTC, basic format. */
export function instanceSuffix(start: number, allDay: boolean): string {
  const iso = new Date(start).toISOString()
  return allDay ? iso.slice(0, 10).replaceAll('-', '') : `${iso.slice(0, 19).replace(/[-:]/g, '')}Z`
}

/** The original start (ms) an instance id's suffix names, or null when it names none. */
export function suffixStart(suffix: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(suffix)
  if (!m) return null
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))
}

/**
 * The original starts (ms) of a recurring event's instances from `from` to `to`. The rule runs on the wall clock of the
 * start's time zone, as Google does, so a daylight-saving change keeps the time of day.
 */
export function occurrenceStarts(start: EventTime, recurrence: string[], from: number, to: number | undefined): number[] {
  const zone = start.timeZone ?? 'UTC'
  const first = instantOf(start)
  const allDay = Boolean(start.date && !start.dateTime)
  const wall = new Date(allDay ? first : wallOf(first, zone))
  const set = new RRuleSet()
  for (const line of recurrence) {
    if (/^RRULE:/i.test(line)) set.rrule(new RRule({ ...RRule.parseString(line.slice(6)), dtstart: wall }))
    // EXDATE values are wall-clock times of the start's zone (TZID) or UTC instants (Z); both are read as wall time here.
    const ex = /^EXDATE[^:]*:(.+)$/i.exec(line)
    for (const value of ex?.[1].split(',') ?? []) {
      const at = suffixStart(value.trim().replace(/Z$/, '') + (value.includes('T') ? 'Z' : ''))
      if (at !== null) set.exdate(new Date(value.trim().endsWith('Z') && !allDay ? wallOf(at, zone) : at))
    }
  }
  const last = to ?? Math.max(first, from) + HORIZON_MS
  const out: number[] = []
  // A window a day wider on each side in wall time; exact filtering happens on real instants below.
  for (const w of set.between(new Date(from - 2 * 86_400_000), new Date(last + 2 * 86_400_000), true)) {
    const at = allDay
      ? w.getTime()
      : zonedInstant(w.toISOString().slice(0, 10), w.toISOString().slice(11, 16), zone).getTime() + w.getUTCSeconds() * 1000
    out.push(at)
    if (out.length >= MAX_INSTANCES) break
  }
  return out
}

/** The wall-clock time of an instant in a zone, as a UTC instant (rrule's floating time). */
function wallOf(at: number, zone: string): number {
  return Date.parse(`${localDate(new Date(at), zone)}T${localTime(new Date(at), zone)}:00Z`)
}

/** Whether a recurrence list holds a rule the fake can read. */
export function validRecurrence(recurrence: unknown): recurrence is string[] {
  if (!Array.isArray(recurrence) || !recurrence.every((r) => typeof r === 'string')) return false
  try {
    for (const r of recurrence) if (/^RRULE:/i.test(r)) RRule.fromString(r.replace(/^RRULE:/i, ''))
    return recurrence.some((r) => /^RRULE:/i.test(r))
  } catch {
    return false
  }
}
