import { z } from 'zod'

/** The years a date or time may fall in: any real booking, payment or filter, and nothing the database or Date cannot hold. */
const FIRST_YEAR = 1900
const LAST_YEAR = 2999

/** Whether YYYY-MM-DD at the start of a text names a day that exists within the years above. */
function realDay(text: string): boolean {
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(text)?.[0]
  if (!ymd) return false
  const day = new Date(`${ymd}T00:00:00Z`)
  if (Number.isNaN(day.getTime())) return false
  return day.toISOString().slice(0, 10) === ymd && day.getUTCFullYear() >= FIRST_YEAR && day.getUTCFullYear() <= LAST_YEAR
}

/** A calendar date, YYYY-MM-DD, that exists (no February 30) and falls between 1900 and 2999. */
export function isoDate() {
  const expected = `expected a real date YYYY-MM-DD between ${FIRST_YEAR} and ${LAST_YEAR}`
  return z.iso.date({ abort: true, error: expected }).refine(realDay, expected)
}

/** A time of day on the business's clock, HH:MM on the 24-hour clock. */
export function clockOfDay() {
  return z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM (24-hour)')
}

/** An ISO 8601 date and time (with an offset, or also without one when `local`), real and between 1900 and 2999. */
export function isoInstant(opts: { local?: boolean } = {}) {
  const expected = `expected a real date and time in ISO 8601 (such as 2026-03-02T15:00:00Z) between ${FIRST_YEAR} and ${LAST_YEAR}`
  return z.iso
    .datetime({ offset: true, local: opts.local ?? false, abort: true, error: expected })
    .refine((v) => realDay(v) && !Number.isNaN(Date.parse(v)), expected)
}

/** A UUID as text, any case, for building a pattern (a list of ids, a search through a page). */
export const UUID_TEXT = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

/** A whole value that is a UUID, any case. */
export const UUID = new RegExp(`^${UUID_TEXT}$`, 'i')

/** Whether a value is a UUID: what an id taken from a path, a form or a webhook is checked with before it reaches SQL. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

/** Most ids one list filter takes: a page of records, read in one statement. */
export const MAX_LIST_IDS = 100

/**
 * A filter naming up to 100 records of one kind, as a query string carries it: ids separated by commas. It parses to
 * the list, so access checks and merged-contact checks see each id.
 */
export function idList(kind: string) {
  const list = new RegExp(`^${UUID_TEXT}(?:\\s*,\\s*${UUID_TEXT}){0,${MAX_LIST_IDS - 1}}$`, 'i')
  return z
    .string()
    .trim()
    .regex(list, `expected up to ${MAX_LIST_IDS} ${kind} ids separated by commas`)
    .transform((text) => [...new Set(text.split(',').map((id) => id.trim().toLowerCase()))])
}
