import { z } from 'zod'
import { defineQuery } from '../../kernel/registry.js'
import {
  nextOffset,
  offsetOf,
  PERIOD_COLUMNS,
  PERIOD_FIELDS,
  PERIOD_PARAMS,
  type Periods,
  periodBounds,
  periodDays,
  periodsOf,
  RANKED_COLUMNS,
  RANKED_FIELDS,
} from './periods.js'
import { COMPLETED_VISITS, PERIODS_CTE, VISIT_SALES } from './sql.js'

// Reading the business's numbers changes nothing and holds no secret, so an agent may read them; a technician sees only their own work.
const ACCESS = { agent: 'unrestricted', technician: 'none' } as const

const WHAT_COUNTS =
  "Sales: completed visits (by scheduled start) at their line items' prices before tax. Invoiced: totals of invoices " +
  'issued in the period, drafts, void and archived invoices left out. Paid: payments received in the period, except on void or archived ' +
  'invoices. Money is in integer cents; days are in the business time zone.'

/** The month's key figures against the compared period: sales, invoiced, paid, visits, customers, new customers and averages. */
export const analyticsSummaryQuery = defineQuery({
  type: 'analytics_summary',
  phrases: [
    'how did we do this month',
    'revenue this month',
    'numbers',
    'revenue',
    'report',
    'statistics',
    'month to date',
    'year over year',
    'sales',
  ],
  exportColumns: ['metric', 'label', 'unit', 'this_period', 'compare_period', ...PERIOD_COLUMNS],
  description:
    'How the business did in a month against the same month last year (or the month before): one record per figure ' +
    '(metric, label, unit cents|count, this_period, compare_period, and the days counted). Figures: sales_cents, invoiced_cents, ' +
    'paid_cents, visits (completed), customers (served), new_customers (first completed visit ever), average_per_visit_cents, ' +
    `average_per_customer_cents (of sales; null without visits). ${WHAT_COUNTS} Filters: month (YYYY-MM), through_day (month-to-date), compare.`,
  access: ACCESS,
  params: z.object(PERIOD_PARAMS),
  record: z.object({
    metric: z.enum([
      'sales_cents',
      'invoiced_cents',
      'paid_cents',
      'visits',
      'customers',
      'new_customers',
      'average_per_visit_cents',
      'average_per_customer_cents',
    ]),
    label: z.string(),
    unit: z.enum(['cents', 'count']),
    this_period: z.number().int().nullable(),
    compare_period: z.number().int().nullable(),
    ...PERIOD_FIELDS,
  }),
  async run(ctx, req) {
    // The figures have no ids of their own: a read by id finds nothing.
    if (req.id !== undefined) return { items: [], next_cursor: null }
    const periods = await periodsOf(ctx, req.params)
    const r = await ctx.db.query<Record<string, number> & { which: string }>(
      `with ${PERIODS_CTE}
       select p.which, v.sales_cents, v.visits, v.customers,
         (select coalesce(sum(i.total_cents), 0) from invoices i where i.issued_on >= p.d0 and i.issued_on < p.d1
            and i.status not in ('draft', 'void') and i.archived_at is null) as invoiced_cents,
         (select coalesce(sum(m.amount_cents), 0) from payments m join invoices i on i.id = m.invoice_id
            where m.received_at >= p.s and m.received_at < p.e and i.status <> 'void' and i.archived_at is null) as paid_cents,
         (select count(distinct k.contact_id) from tickets k where k.status = 'completed' and k.scheduled_start >= p.s and k.scheduled_start < p.e
            and not exists (select 1 from tickets o where o.contact_id = k.contact_id and o.status = 'completed' and o.scheduled_start < p.s)) as new_customers
       from p cross join lateral (
         select count(*) as visits, count(distinct k.contact_id) as customers, coalesce(sum(w.cents), 0) as sales_cents
         from tickets k ${VISIT_SALES}
         where k.status = 'completed' and k.scheduled_start >= p.s and k.scheduled_start < p.e) v`,
      [...periodBounds(periods), periods.timezone],
    )
    const mine = r.rows.find((row) => row.which === 'this') as Record<string, number>
    const theirs = r.rows.find((row) => row.which === 'compare') as Record<string, number>
    const days = periodDays(periods)
    const figure = (metric: string, label: string, unit: 'cents' | 'count', of: (row: Record<string, number>) => number | null) => ({
      metric,
      label,
      unit,
      this_period: of(mine),
      compare_period: of(theirs),
      ...days,
    })
    const average = (over: string) => (row: Record<string, number>) => (row[over] ? Math.round(row.sales_cents / row[over]) : null)
    return {
      items: [
        figure('sales_cents', 'Sales (completed visits)', 'cents', (row) => row.sales_cents),
        figure('invoiced_cents', 'Invoiced', 'cents', (row) => row.invoiced_cents),
        figure('paid_cents', 'Paid', 'cents', (row) => row.paid_cents),
        figure('visits', 'Visits completed', 'count', (row) => row.visits),
        figure('customers', 'Customers served', 'count', (row) => row.customers),
        figure('new_customers', 'New customers', 'count', (row) => row.new_customers),
        figure('average_per_visit_cents', 'Average per visit', 'cents', average('visits')),
        figure('average_per_customer_cents', 'Average per customer', 'cents', average('customers')),
      ],
      next_cursor: null,
    }
  },
})

/** Sales and visits per service in a month against the compared period. */
export const analyticsByServiceQuery = defineQuery({
  type: 'analytics_by_service',
  phrases: [
    'which service sells best',
    'revenue by service',
    'numbers',
    'revenue by service',
    'best selling services',
    'report',
    'year over year',
  ],
  exportColumns: ['service_id', 'service', ...RANKED_COLUMNS],
  description:
    'Sales per service in a month against the same month last year (or the month before), largest first: service_id ' +
    '(null for lines without a service, named "Other items"), service (its name), visits (completed visits with that service), sales_cents, ' +
    `compare_visits, compare_sales_cents, and the days counted. Read by id = a service id for that service alone. ${WHAT_COUNTS} ` +
    'Filters: month (YYYY-MM), through_day (month-to-date), compare.',
  access: ACCESS,
  params: z.object(PERIOD_PARAMS),
  record: z.object({
    service_id: z.uuid().nullable(),
    service: z.string(),
    ...RANKED_FIELDS,
  }),
  async run(ctx, req) {
    const periods = await periodsOf(ctx, req.params)
    const offset = offsetOf(req.cursor)
    const r = await ctx.db.query(
      `with ${PERIODS_CTE}
       select l.service_id, coalesce(min(s.name), 'Other items') as service,
         count(distinct k.id) filter (where p.which = 'this') as visits,
         coalesce(sum(l.price_cents) filter (where p.which = 'this'), 0) as sales_cents,
         count(distinct k.id) filter (where p.which = 'compare') as compare_visits,
         coalesce(sum(l.price_cents) filter (where p.which = 'compare'), 0) as compare_sales_cents
       from p ${COMPLETED_VISITS}
       join ticket_line_items l on l.ticket_id = k.id
       left join services s on s.id = l.service_id
       where ($6::uuid is null or l.service_id = $6)
       group by l.service_id
       order by sales_cents desc, compare_sales_cents desc, service, l.service_id
       offset $7 limit $8`,
      [...periodBounds(periods), periods.timezone, req.id ?? null, offset, req.limit + 1],
    )
    return rankedPage(r.rows, req.limit, offset, periods)
  },
})

/** Sales and visits per town or postal code in a month against the compared period. */
export const analyticsByPlaceQuery = defineQuery({
  type: 'analytics_by_place',
  exportColumns: ['place', 'group_by', ...RANKED_COLUMNS],
  description:
    'Sales per place in a month against the same month last year (or the month before), largest first: place (a town ' +
    'as "City, ST", or a postal code; "No address" for visits without one), visits, sales_cents, compare_visits, compare_sales_cents, ' +
    "and the days counted. A visit counts at its own address, else its customer's first address. " +
    `${WHAT_COUNTS} Filters: group_by (town|postal_code, default town), month (YYYY-MM), through_day (month-to-date), compare.`,
  phrases: ['numbers', 'revenue by town', 'revenue by zip code', 'where customers are', 'report'],
  access: ACCESS,
  params: z.object({
    group_by: z.enum(['town', 'postal_code']).default('town').describe('Group visits by town (city and state) or by postal code.'),
    ...PERIOD_PARAMS,
  }),
  record: z.object({
    place: z.string(),
    group_by: z.enum(['town', 'postal_code']),
    ...RANKED_FIELDS,
  }),
  async run(ctx, req) {
    // Places have no ids: a read by id finds nothing.
    if (req.id !== undefined) return { items: [], next_cursor: null }
    const periods = await periodsOf(ctx, req.params)
    const offset = offsetOf(req.cursor)
    const r = await ctx.db.query(
      `with ${PERIODS_CTE}
       select min(x.place) as place, $6::text as group_by,
         count(*) filter (where p.which = 'this') as visits,
         coalesce(sum(w.cents) filter (where p.which = 'this'), 0) as sales_cents,
         count(*) filter (where p.which = 'compare') as compare_visits,
         coalesce(sum(w.cents) filter (where p.which = 'compare'), 0) as compare_sales_cents
       from p ${COMPLETED_VISITS} ${VISIT_SALES}
       left join addresses va on va.id = k.address_id
       left join lateral (select c.city, c.state, c.postal_code from addresses c
         where k.address_id is null and c.contact_id = k.contact_id and c.archived_at is null order by c.created_at, c.id limit 1) ca on true
       cross join lateral (select coalesce(va.city, ca.city) as city, coalesce(va.state, ca.state) as state,
         coalesce(va.postal_code, ca.postal_code) as postal_code) a
       cross join lateral (select case
         when a.city is null then 'No address'
         when $6 = 'postal_code' then coalesce(nullif(upper(trim(a.postal_code)), ''), 'No postal code')
         else trim(a.city) || coalesce(', ' || nullif(upper(trim(a.state)), ''), '') end as place) x
       group by lower(x.place)
       order by sales_cents desc, compare_sales_cents desc, lower(x.place)
       offset $7 limit $8`,
      [...periodBounds(periods), periods.timezone, req.params.group_by, offset, req.limit + 1],
    )
    return rankedPage(r.rows, req.limit, offset, periods)
  },
})

function rankedPage(rows: Array<Record<string, unknown>>, limit: number, offset: number, periods: Periods) {
  const kept = rows.slice(0, limit)
  const days = periodDays(periods)
  return { items: kept.map((row) => ({ ...row, ...days })), next_cursor: nextOffset(offset, kept.length, rows.length > limit) }
}
