import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { invoiceTotals } from '../../vocabulary/money.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { addDays, addMonths } from '../../vocabulary/time.js'
import { CYCLE_MONTHS, CYCLES, type Cycle } from '../../vocabulary/plan-cycles.js'
import { createInvoice } from '../invoices/actions.js'
import { type LineInput, resolveLines } from '../invoices/model.js'
import type { TenantSettings } from '../settings/model.js'
import { servicesById } from '../services/model.js'

export { CYCLES, type Cycle, CYCLE_WORDS } from '../../vocabulary/plan-cycles.js'

/** A recurring invoice runs (active), waits (paused) or is over for good (ended). */
export const RECURRING_STATUSES = ['active', 'paused', 'ended'] as const

/** The lines of each invoice, exactly as invoice.create takes them (the same schema, so the same checks and words). */
export const recurringLineItems = createInvoice.input.shape.line_items

/**
 * The first day of the period after the one that starts on `periodStart`. Periods are anchored on starts_on's day of the
 * month, so a month from Jan 31 is Feb 28 (the month's last day) and the one after it Mar 31, never Mar 28.
 */
export function nextPeriodStart(startsOn: string, cycle: Cycle, periodStart: string): string {
  const step = CYCLE_MONTHS[cycle]
  const [sy, sm] = startsOn.split('-').map(Number)
  const [py, pm] = periodStart.split('-').map(Number)
  let k = Math.max(0, Math.floor(((py - sy) * 12 + (pm - sm)) / step))
  while (k > 0 && addMonths(startsOn, k * step) > periodStart) k -= 1
  while (addMonths(startsOn, k * step) <= periodStart) k += 1
  return addMonths(startsOn, k * step)
}

/** The first day of the first period that starts on or after `day`. */
export function periodOnOrAfter(startsOn: string, cycle: Cycle, day: string): string {
  return day <= startsOn ? startsOn : nextPeriodStart(startsOn, cycle, addDays(day, -1))
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "1 Dec 2026". */
function shortDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  return `${d} ${MONTHS[m - 1].slice(0, 3)} ${y}`
}

/**
 * A period in words, as each invoice's lines name it: a calendar month ("December 2026"), quarter ("Q1 2027") or year
 * ("2027") when the period is one, else its first and last day ("15 Jan 2027 to 14 Feb 2027").
 */
export function periodWords(startsOn: string, cycle: Cycle, periodStart: string): string {
  const [y, m, d] = periodStart.split('-').map(Number)
  if (d === 1) {
    if (cycle === 'monthly') return `${MONTHS[m - 1]} ${y}`
    if (cycle === 'quarterly' && (m - 1) % 3 === 0) return `Q${(m - 1) / 3 + 1} ${y}`
    if (cycle === 'yearly' && m === 1) return String(y)
  }
  return `${shortDay(periodStart)} to ${shortDay(addDays(nextPeriodStart(startsOn, cycle, periodStart), -1))}`
}

/** Longest line description an invoice keeps (invoice.create's limit). */
const DESCRIPTION_MAX = 500

/** A line's description followed by its period: "Window cleaning — December 2026", shortened to fit the limit. */
export function withPeriod(description: string, period: string): string {
  const tail = ` — ${period}`
  const room = DESCRIPTION_MAX - tail.length
  return `${description.length > room ? `${description.slice(0, room - 1)}…` : description}${tail}`
}

/** A line as a recurring invoice keeps it: invoice.create's shape, with its description and price fixed when it was set. */
export const STORED_LINE = z.object({
  service_id: z.uuid().optional(),
  description: z.string(),
  quantity: z.number().int(),
  unit_price_cents: z.number().int(),
  taxable: z.boolean(),
  tax_rate_bp: z.number().int().optional().describe("Given with the line; else the business's rate when taxable"),
})

/** A line as STORED_LINE reads it. */
export type StoredLine = z.infer<typeof STORED_LINE>

/**
 * The lines checked as invoice.create checks them (a service that exists, a description and a price) and kept with the
 * description, price and taxability they have now, so a later change to the catalog never changes what the customer is
 * charged; a given tax rate is kept as given, else the tax follows the business's rate when each invoice is made.
 */
export async function storedLines(
  db: Queryable,
  lines: LineInput[],
  settings: TenantSettings,
  field = 'data.line_items',
): Promise<StoredLine[]> {
  const resolved = await resolveLines(db, lines, settings.default_tax_rate_bp, field)
  invoiceTotals(resolved, field)
  const taxable = await serviceTaxability(db, lines)
  return lines.map((line, i) => ({
    ...(line.service_id ? { service_id: line.service_id } : {}),
    description: resolved[i].description,
    quantity: resolved[i].quantity,
    unit_price_cents: resolved[i].unit_price_cents,
    taxable: line.taxable ?? (line.service_id ? taxable.get(line.service_id) : undefined) ?? true,
    ...(line.tax_rate_bp !== undefined ? { tax_rate_bp: line.tax_rate_bp } : {}),
  }))
}

/** Whether each catalog service the lines name is taxable, by id. */
async function serviceTaxability(db: Queryable, lines: readonly { service_id?: string | null }[]): Promise<Map<string, boolean>> {
  const ids = [...new Set(lines.map((l) => l.service_id).filter((id): id is string => !!id))]
  return new Map([...(await servicesById(db, ids)).values()].map((s) => [s.id, s.taxable]))
}

/**
 * Stored lines ready for resolveLines: a service deleted since (one never used elsewhere may be) is left out of its line,
 * whose description, price and taxability were kept, so the invoice is still made as it was set.
 */
export async function linesToPrice(db: Queryable, lines: readonly StoredLine[]): Promise<LineInput[]> {
  const known = await serviceTaxability(db, lines)
  return lines.map(({ service_id, ...line }) => (service_id && known.has(service_id) ? { service_id, ...line } : line))
}

/** An invoice a recurring invoice issued, as it lists them. */
export const ISSUED_INVOICE = z.object({
  id: z.uuid(),
  number: z.string(),
  period_start: calendarDay,
  status: z.string(),
  amount_due_cents: z.number().int(),
})

/** A recurring invoice as the API shows it. */
export const RECURRING_INVOICE = z.object({
  id: z.uuid(),
  contact_id: z.uuid(),
  contact_name: z.string(),
  customer_plan_id: z.uuid().nullable().describe('The service plan it bills; such a one is changed through the plan'),
  plan_name: z.string().nullable(),
  line_items: z.array(STORED_LINE),
  currency: z.string(),
  cycle: z.enum(CYCLES),
  starts_on: calendarDay,
  ends_on: calendarDay.nullable(),
  next_issue_on: calendarDay.describe('The first day of the next period to invoice; its invoice is made that day'),
  due_days: z.number().int(),
  notes: z.string().nullable(),
  status: z.enum(RECURRING_STATUSES),
  cycle_subtotal_cents: z.number().int().describe("One period's lines before tax"),
  cycle_tax_cents: z.number().int().describe("One period's tax at the business's rate now"),
  cycle_total_cents: z.number().int().describe('What one period costs the customer, tax included'),
  invoices: z.array(ISSUED_INVOICE).describe('The invoices issued so far, oldest period first'),
  created_at: timestamp,
  updated_at: timestamp,
})

/** A recurring invoice as RECURRING_INVOICE reads it. */
export type RecurringInvoice = z.infer<typeof RECURRING_INVOICE>

/** The columns of a recurring invoice as the API shows it, its totals aside (alias r). */
export const RECURRING_COLUMNS = `r.id, r.contact_id, (select c.display_name from contacts c where c.id = r.contact_id) as contact_name,
  r.customer_plan_id, (select p.name from customer_plans p where p.id = r.customer_plan_id) as plan_name, r.line_items, r.currency,
  r.cycle, r.starts_on::text as starts_on, r.ends_on::text as ends_on, r.next_issue_on::text as next_issue_on, r.due_days, r.notes,
  r.status, coalesce((select json_agg(json_build_object('id', i.id, 'number', i.number, 'period_start', i.period_start,
    'status', i.status, 'amount_due_cents', case when i.status = 'void' then 0 else i.amount_due_cents end)
    order by i.period_start, i.id) from invoices i where i.recurring_invoice_id = r.id), '[]') as invoices,
  r.created_at, r.updated_at`

/** Rows of RECURRING_COLUMNS with each one's totals for a period, at the business's tax rate now (one read of the catalog). */
export async function withTotals(
  db: Queryable,
  rows: Array<Record<string, unknown>>,
  settings: TenantSettings,
): Promise<RecurringInvoice[]> {
  const all = await linesToPrice(
    db,
    rows.flatMap((r) => r.line_items as StoredLine[]),
  )
  const resolved = all.length ? await resolveLines(db, all, settings.default_tax_rate_bp) : []
  let at = 0
  return rows.map((row) => {
    const count = (row.line_items as StoredLine[]).length
    const totals = invoiceTotals(resolved.slice(at, at + count))
    at += count
    return {
      ...row,
      cycle_subtotal_cents: totals.subtotal_cents,
      cycle_tax_cents: totals.tax_cents,
      cycle_total_cents: totals.total_cents,
    } as RecurringInvoice
  })
}

/** The stored row of a recurring invoice, locked when asked, or NOT_FOUND. */
export interface RecurringRow {
  id: string
  contact_id: string
  customer_plan_id: string | null
  plan_name: string | null
  line_items: StoredLine[]
  currency: string
  cycle: Cycle
  starts_on: string
  ends_on: string | null
  next_issue_on: string
  due_days: number
  notes: string | null
  status: (typeof RECURRING_STATUSES)[number]
  /** The first day of the last period invoiced, or null before the first invoice. */
  last_period_start: string | null
}

/** The columns of RecurringRow (alias r). */
export const ROW_COLUMNS = `r.id, r.contact_id, r.customer_plan_id,
  (select p.name from customer_plans p where p.id = r.customer_plan_id) as plan_name, r.line_items, r.currency, r.cycle,
  r.starts_on::text as starts_on, r.ends_on::text as ends_on, r.next_issue_on::text as next_issue_on, r.due_days, r.notes, r.status,
  (select max(i.period_start)::text from invoices i where i.recurring_invoice_id = r.id) as last_period_start`

/** One recurring invoice's row, locked for update when asked; NOT_FOUND when the business has none by that id. */
export async function loadRow(db: Queryable, id: string, lock = false): Promise<RecurringRow> {
  const r = await db.query<RecurringRow>(
    `select ${ROW_COLUMNS} from recurring_invoices r where r.id = $1 ${lock ? 'for update of r' : ''}`,
    [id],
  )
  if (!r.rows[0]) throw notFound('recurring_invoice', id)
  return r.rows[0]
}

/** A recurring invoice as the API shows it, by id. */
export async function readRecurring(db: Queryable, id: string, settings: TenantSettings): Promise<RecurringInvoice> {
  const r = await db.query(`select ${RECURRING_COLUMNS} from recurring_invoices r where r.id = $1`, [id])
  if (!r.rows[0]) throw notFound('recurring_invoice', id)
  return (await withTotals(db, r.rows, settings))[0]
}

/** Refuses a change to a plan's recurring invoice: the plan is what changes it. */
export function assertNotPlans(row: RecurringRow): void {
  if (row.customer_plan_id) {
    throw new AppError(
      'CONFLICT',
      `This recurring invoice bills the plan "${row.plan_name ?? row.customer_plan_id}": change the plan instead (its billing follows the plan)`,
      { field: 'data.recurring_invoice_id', customer_plan_id: row.customer_plan_id },
    )
  }
}

/** The fields of a row an audit entry shows. */
export function auditFields(row: Pick<RecurringRow, 'status' | 'next_issue_on' | 'ends_on' | 'due_days' | 'notes' | 'line_items'>) {
  return {
    status: row.status,
    next_issue_on: row.next_issue_on,
    ends_on: row.ends_on,
    due_days: row.due_days,
    notes: row.notes,
    line_items: row.line_items,
  }
}

/** A new recurring invoice as its audit entry records it. */
export function createdView(r: {
  contact_id: string
  customer_plan_id: string | null
  currency: string
  cycle: string
  starts_on: string
  ends_on: string | null
  next_issue_on: string
  due_days: number
  notes: string | null
  status: string
  line_items: unknown
}) {
  const { contact_id, customer_plan_id, currency, cycle, starts_on, ends_on, next_issue_on, due_days, notes, status, line_items } = r
  return { contact_id, customer_plan_id, currency, cycle, starts_on, ends_on, next_issue_on, due_days, notes, status, line_items }
}

/** Refuses an end date at or before the start, or at or before a period already invoiced. */
export function checkEndsOn(row: Pick<RecurringRow, 'ends_on' | 'starts_on' | 'last_period_start'>): void {
  if (!row.ends_on) return
  if (row.ends_on <= row.starts_on) throw validationError([{ field: 'data.ends_on', message: `must be after starts_on ${row.starts_on}` }])
  if (row.last_period_start && row.ends_on <= row.last_period_start) {
    throw validationError([
      {
        field: 'data.ends_on',
        message: `must be after ${row.last_period_start}: the period starting then is already invoiced (void that invoice if it should not be)`,
      },
    ])
  }
}

/** Whether two values hold the same JSON, whatever the order of their keys (jsonb reads keys back in its own order). */
export function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b)
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value ?? null)
}
