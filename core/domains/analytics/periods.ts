import { z } from 'zod'
import { validationError } from '../../kernel/errors.js'
import { addDays, localDate } from '../../vocabulary/time.js'
import type { OperationContext } from '../../kernel/context.js'

/** The filters every analytics report takes: which month, how many of its days, and what to compare it with. */
export const PERIOD_PARAMS = {
  month: z
    .string()
    .regex(/^(19|20)\d\d-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM, e.g. 2026-11')
    .optional()
    .describe('The month to report, YYYY-MM in the business time zone; default the current month.'),
  through_day: z.coerce
    .number()
    .int()
    .min(1)
    .max(31)
    .optional()
    .describe('Count only days 1..through_day of the month (and of the compared month): month-to-date. Default the whole month.'),
  compare: z
    .enum(['last_year', 'previous_month'])
    .default('last_year')
    .describe('What the month is compared with: the same month (and days) a year earlier, or the month before.'),
}

/** The filters as a query receives them. */
export interface PeriodFilters {
  month?: string
  through_day?: number
  compare: 'last_year' | 'previous_month'
}

/** The reported period and the one it is compared with: calendar days in the business time zone, `to` inclusive. */
export interface Periods {
  timezone: string
  from: string
  to: string
  compare_from: string
  compare_to: string
}

/** The days of a report's periods, echoed in every record so a row read alone still says what it counts. */
export const PERIOD_FIELDS = {
  from: z.iso.date(),
  to: z.iso.date(),
  compare_from: z.iso.date(),
  compare_to: z.iso.date(),
}

/** The export columns of the period's days, in the order of PERIOD_FIELDS. */
export const PERIOD_COLUMNS = Object.keys(PERIOD_FIELDS) as Array<keyof typeof PERIOD_FIELDS>

/** A ranked report's figures for one row (a service, a place) in both periods, then the days counted. */
export const RANKED_FIELDS = {
  visits: z.number().int(),
  sales_cents: z.number().int(),
  compare_visits: z.number().int(),
  compare_sales_cents: z.number().int(),
  ...PERIOD_FIELDS,
}

/** The export columns of a ranked report's figures and days, in the order of RANKED_FIELDS. */
export const RANKED_COLUMNS = Object.keys(RANKED_FIELDS) as Array<keyof typeof RANKED_FIELDS>

/** The days of the periods as each record echoes them. */
export function periodDays(p: Periods): { from: string; to: string; compare_from: string; compare_to: string } {
  return { from: p.from, to: p.to, compare_from: p.compare_from, compare_to: p.compare_to }
}

/** The periods the filters name, in the business's time zone (today decides the default month). */
export async function periodsOf(ctx: OperationContext, filters: PeriodFilters): Promise<Periods> {
  const r = await ctx.db.query<{ timezone: string }>('select timezone from tenants where id = app_tenant()')
  const timezone = r.rows[0]?.timezone ?? 'UTC'
  const month = filters.month ?? localDate(ctx.services.now(), timezone).slice(0, 7)
  const [year, m] = month.split('-').map(Number)
  const compared = filters.compare === 'last_year' ? monthStart(year - 1, m) : monthStart(m === 1 ? year - 1 : year, m === 1 ? 12 : m - 1)
  const from = monthStart(year, m)
  return {
    timezone,
    from,
    to: lastDay(from, filters.through_day),
    compare_from: compared,
    compare_to: lastDay(compared, filters.through_day),
  }
}

/** The half-open SQL bounds of the periods: [from, to + 1 day), this period first. */
export function periodBounds(p: Periods): string[] {
  return [p.from, addDays(p.to, 1), p.compare_from, addDays(p.compare_to, 1)]
}

/** An offset cursor for reports whose rows are ranked by their numbers, not by a stored key. */
export function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw validationError([
      { field: 'cursor', message: 'is not a cursor returned by this data type; omit it to start from the first page' },
    ])
  }
  return n
}

/** The cursor of the page after `offset` + `shown` rows, or null when nothing follows. */
export function nextOffset(offset: number, shown: number, more: boolean): string | null {
  return more ? Buffer.from(String(offset + shown)).toString('base64url') : null
}

function monthStart(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`
}

// The month's last day, or day `through` when it comes first: Feb has no 30th, so "through 30" is all of February.
function lastDay(first: string, through: number | undefined): string {
  const next = new Date(`${first}T12:00:00Z`)
  next.setUTCMonth(next.getUTCMonth() + 1)
  const end = addDays(next.toISOString().slice(0, 10), -1)
  const days = Number(end.slice(8))
  return through && through < days ? addDays(first, through - 1) : end
}
