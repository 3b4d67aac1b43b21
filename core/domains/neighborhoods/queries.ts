import { z } from 'zod'
import { defineQuery } from '../../kernel/registry.js'
import { addDays, localDate } from '../../vocabulary/time.js'
import { calendarDay } from '../../kernel/output-types.js'
import { loadTenantSettings } from '../settings/model.js'
import { ADDRESS_OF_VISIT, CELL_OF_ADDRESS } from './cells.js'

/** A neighborhood with its year's figures against the same days of the year before. */
const NEIGHBORHOOD = z.object({
  id: z.string().describe("The cell: 'h:q:r' for a hexagon of about 1 km; 'zip:35801' for addresses not on the map, by ZIP code"),
  name: z.string().describe('Its most common ZIP code and town, e.g. "35801 Huntsville"'),
  on_map: z.boolean().describe('false: addresses without a point, grouped by ZIP code instead'),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  addresses: z.number().int(),
  customers: z.number().int(),
  visits: z.number().int().describe('Completed visits from the first day to the last'),
  sales_cents: z.number().int().describe('Their line items before tax'),
  average_ticket_cents: z.number().int().nullable(),
  last_year_visits: z.number().int(),
  last_year_sales_cents: z.number().int(),
  sales_change_percent: z.number().int().nullable().describe('Against the same days a year before; null when that had none'),
  from: calendarDay,
  to: calendarDay,
})

/** One cell's figures as the SQL reads them, before it is named. */
interface CellRow {
  id: string
  zip: string
  town: string
  on_map: boolean
  latitude: number | null
  longitude: number | null
  addresses: number
  customers: number
  visits: number
  sales_cents: string | number
  last_year_visits: number
  last_year_sales_cents: string | number
}

/** A neighborhood as the neighborhoods data type answers. */
export type Neighborhood = z.infer<typeof NEIGHBORHOOD>

/** The business's neighborhoods, with visits, sales and the average ticket of a year against the year before. */
export const neighborhoodsQuery = defineQuery({
  type: 'neighborhoods',
  phrases: [
    'which neighborhoods bring the most work',
    'revenue by neighborhood',
    'where are bookings falling',
    'neighborhood',
    'area',
    'analytics',
    'revenue by area',
    'this year against last',
    'map',
  ],
  description:
    "The business's neighborhoods: its addresses grouped into hexagons of about 1 km by their points (addresses not yet " +
    'on the map grouped by ZIP code, on_map false), each named after its most common ZIP code and town, largest sales first: ' +
    'addresses, customers, completed visits, sales_cents (line items before tax), average_ticket_cents, and the same ' +
    'days of the year before (last_year_visits, last_year_sales_cents, sales_change_percent). year: YYYY (default this ' +
    "year, to today); neighborhood: one by its id. A visit counts at its own address, else its customer's first.",
  access: { agent: 'unrestricted', technician: 'none' },
  defaultLimit: 20,
  params: z.object({
    year: z.coerce.number().int().min(2000, 'expected a year YYYY').max(2100, 'expected a year YYYY').optional(),
    neighborhood: z.string().trim().max(40).optional().describe("One neighborhood by its id ('h:q:r' or 'zip:35801')"),
  }),
  record: NEIGHBORHOOD,
  async run(ctx, req) {
    // Neighborhoods have no uuid: a read by id finds nothing (the neighborhood filter reads one).
    if (req.id !== undefined) return { items: [], next_cursor: null }
    const settings = await loadTenantSettings(ctx.db)
    const today = localDate(ctx.services.now(), settings.timezone)
    const year = String(req.params.year ?? today.slice(0, 4))
    const from = `${year}-01-01`
    const to = year === today.slice(0, 4) ? today : `${year}-12-31`
    const lastFrom = `${Number(year) - 1}-01-01`
    const lastTo = `${Number(year) - 1}${to.slice(4)}`
    const offset = req.cursor && /^\d+$/.test(req.cursor) ? Number(req.cursor) : 0
    const r = await ctx.db.query<CellRow>(
      `with cells as (
         select a.id, a.contact_id, a.latitude, a.longitude, a.city, a.state, left(upper(trim(a.postal_code)), 5) as zip,
                ${CELL_OF_ADDRESS} as cell
           from addresses a where a.archived_at is null),
       named as (
         select cell, mode() within group (order by zip) as zip, mode() within group (order by city) as town,
                count(*)::int as addresses, count(distinct contact_id)::int as customers,
                avg(latitude) as latitude, avg(longitude) as longitude
           from cells group by cell),
       visits as (
         select c.cell, (k.scheduled_start >= ($1::date)::timestamp at time zone $5) as this_year,
                coalesce((select sum(l.price_cents) from ticket_line_items l where l.ticket_id = k.id), 0) as cents
           from tickets k
           join cells c on c.id = ${ADDRESS_OF_VISIT}
          where k.status = 'completed'
            and ((k.scheduled_start >= ($1::date)::timestamp at time zone $5 and k.scheduled_start < ($2::date)::timestamp at time zone $5)
              or (k.scheduled_start >= ($3::date)::timestamp at time zone $5 and k.scheduled_start < ($4::date)::timestamp at time zone $5)))
       select n.cell as id, coalesce(n.zip, '') as zip, coalesce(n.town, '') as town, n.cell like 'h:%' as on_map,
              n.latitude, n.longitude, n.addresses, n.customers,
              count(v.cell) filter (where v.this_year)::int as visits,
              coalesce(sum(v.cents) filter (where v.this_year), 0)::bigint as sales_cents,
              count(v.cell) filter (where not v.this_year)::int as last_year_visits,
              coalesce(sum(v.cents) filter (where not v.this_year), 0)::bigint as last_year_sales_cents
         from named n left join visits v on v.cell = n.cell
        group by n.cell, n.zip, n.town, n.latitude, n.longitude, n.addresses, n.customers
        order by sales_cents desc, n.addresses desc, n.cell`,
      [from, addDays(to, 1), lastFrom, addDays(lastTo, 1), settings.timezone],
    )
    const all = nameAll(r.rows).map((n) => ({
      id: String(n.id),
      name: n.name,
      on_map: Boolean(n.on_map),
      latitude: n.latitude as number | null,
      longitude: n.longitude as number | null,
      addresses: Number(n.addresses),
      customers: Number(n.customers),
      visits: Number(n.visits),
      sales_cents: Number(n.sales_cents),
      average_ticket_cents: Number(n.visits) ? Math.round(Number(n.sales_cents) / Number(n.visits)) : null,
      last_year_visits: Number(n.last_year_visits),
      last_year_sales_cents: Number(n.last_year_sales_cents),
      sales_change_percent: Number(n.last_year_sales_cents)
        ? Math.round((100 * (Number(n.sales_cents) - Number(n.last_year_sales_cents))) / Number(n.last_year_sales_cents))
        : null,
      from,
      to,
    }))
    if (req.params.neighborhood !== undefined) return { items: all.filter((n) => n.id === req.params.neighborhood), next_cursor: null }
    const page = all.slice(offset, offset + req.limit)
    return { items: page, next_cursor: offset + req.limit < all.length ? String(offset + req.limit) : null }
  },
})

/**
 * Names each neighborhood after its most common ZIP code and town ("35801 Huntsville"); a name two share is told apart by
 * a number in the order of their cells, which stays while they exist ("35801 Huntsville 2"); a group off the map says so.
 */
function nameAll(rows: CellRow[]): Array<CellRow & { name: string }> {
  const seen = new Map<string, number>()
  const names = new Map<string, string>()
  for (const row of [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)))) {
    const base = [row.zip, row.town].filter(Boolean).join(' ') || 'No address'
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    names.set(row.id, `${base}${n > 1 ? ` ${n}` : ''}${row.on_map ? '' : ' (not on the map)'}`)
  }
  return rows.map((row) => ({ ...row, name: names.get(row.id) as string }))
}
