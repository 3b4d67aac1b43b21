import rrule from 'rrule'
import { validationError } from '../../kernel/errors.js'
import { addDays } from '../../vocabulary/time.js'

const { RRule } = rrule

/** Rule parts a series may use; times of day come from the series' start, so a series has at most one visit a day. */
const ALLOWED_PARTS = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'BYWEEKNO', 'BYYEARDAY', 'WKST'])
const ALLOWED_FREQ = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'])

/** How a rule is written, for descriptions and error messages. */
export const RULE_HELP =
  'an RFC 5545 RRULE without DTSTART, e.g. FREQ=WEEKLY;INTERVAL=2 (every 2 weeks), FREQ=MONTHLY;BYDAY=2TU ' +
  '(2nd Tuesday of each month), FREQ=MONTHLY;INTERVAL=3 (every 3 months), FREQ=WEEKLY;INTERVAL=4;BYMONTH=3,4,5,6,7,8,9,10 ' +
  '(every 4 weeks from March to October); FREQ is DAILY, WEEKLY, MONTHLY or YEARLY; end a series with ends_on, not COUNT or UNTIL'

/** A rule as stored: the caller's text upper-cased, an optional RRULE: prefix dropped, checked part by part; else VALIDATION_ERROR naming the field. */
export function normalizeRule(text: string, field: string): string {
  const rule = text
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase()
  const fail = (message: string) => validationError([{ field, message: `${message}; expected ${RULE_HELP}` }])
  if (!rule) throw fail('is empty')
  const names: string[] = []
  for (const part of rule.split(';')) {
    const [name, value] = part.split('=')
    if (!name || value === undefined || value === '') throw fail(`"${part}" is not NAME=VALUE`)
    if (!ALLOWED_PARTS.has(name)) throw fail(`${name} is not allowed here`)
    if (names.includes(name)) throw fail(`${name} is given twice`)
    names.push(name)
  }
  const freq = /(?:^|;)FREQ=([A-Z]+)/.exec(rule)?.[1]
  if (!freq || !ALLOWED_FREQ.has(freq)) throw fail('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY')
  let days: number
  try {
    const options = RRule.parseString(rule)
    // A rule must give a day within a few years of any start: rrule throws on some nonsense and gives nothing for the rest (BYMONTH=13).
    days = new RRule({ ...options, dtstart: new Date(Date.UTC(2026, 0, 1, 9)) }).between(
      new Date(Date.UTC(2026, 0, 1)),
      new Date(Date.UTC(2031, 0, 1)),
      true,
      (_, i) => i < 1,
    ).length
  } catch (err) {
    throw fail(err instanceof Error ? err.message : String(err))
  }
  if (!days) throw fail('gives no day at all')
  return rule
}

/** What the expansion needs of a series. */
export interface RecurrenceOf {
  rule: string
  /** Local date of the first visit, YYYY-MM-DD. */
  start_date: string
  /** Local time of day of every visit, HH:MM. */
  start_time: string
  /** No occurrence on or after this local date. */
  ends_on: string | null
}

/**
 * The local dates (YYYY-MM-DD) the rule gives from `from` to `to`, both inclusive, never before the first visit's date
 * nor on or after ends_on. The rule runs on floating wall time (a UTC Date standing for the local clock), so daylight-
 * saving changes in the business's zone never move a visit's date or time of day.
 */
export function occurrenceDates(s: RecurrenceOf, from: string, to: string): string[] {
  const first = from < s.start_date ? s.start_date : from
  const last = s.ends_on && addDays(s.ends_on, -1) < to ? addDays(s.ends_on, -1) : to
  if (last < first) return []
  const [y, m, d] = s.start_date.split('-').map(Number)
  const [hh, mm] = s.start_time.split(':').map(Number)
  const rule = new RRule({ ...RRule.parseString(s.rule), dtstart: new Date(Date.UTC(y, m - 1, d, hh, mm)) })
  const after = new Date(`${first}T00:00:00Z`)
  const before = new Date(`${addDays(last, 1)}T00:00:00Z`)
  return rule
    .between(after, before, true)
    .filter((t) => t < before)
    .map((t) => t.toISOString().slice(0, 10))
}
