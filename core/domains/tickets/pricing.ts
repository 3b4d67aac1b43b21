import { z } from 'zod'
import { remembered, type ReadAhead } from '../../db/read-memo.js'
import { sqlArray } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { validationError } from '../../kernel/errors.js'
import type { Service } from '../services/model.js'
import { catalogNames, missingService } from '../services/missing-service.js'
import { LINE_ITEM_COLUMNS, type LineItemRow } from './model.js'
import { linePriceCents } from '../../vocabulary/money.js'

const cents = z.number().int().min(0).max(100_000_000)

/** One line of work or goods on a ticket, as callers give it. */
export const lineItemInput = z.strictObject({
  service_id: z.uuid().optional().describe('A catalog service; its pricing rule sets the price'),
  description: z.string().trim().min(1).max(500).optional().describe('Defaults to the service name; required without service_id'),
  quantity: z.number().int().min(1).max(10_000).optional().describe('Default 1; per_unit services: the number of units'),
  unit_price_cents: cents
    .optional()
    .describe(
      'Integer cents. Only for flexible services (default: the suggested price) and lines without a service (required); other services use their catalog price',
    ),
  duration_minutes: z.number().int().min(0).max(1440).optional().describe("Default: the service's default duration times the quantity"),
  taxable: z.boolean().optional().describe("Default: the service's setting, or true without a service"),
})

/** A line item input. */
export type LineItemInput = z.output<typeof lineItemInput>

/** A line ready to store. */
export interface PricedLine {
  service_id: string | null
  description: string
  quantity: number
  unit_price_cents: number
  duration_minutes: number | null
  taxable: boolean
}

/** The services with the given ids, an array of uuids in SQL. */
function servicesSql(ids: string): string {
  return `select id, name, pricing, price_cents, unit_name, default_duration_minutes, taxable, status
    from services where id = any(${ids}::uuid[])`
}

function servicesKey(ids: readonly string[]): string {
  return `services ${ids.join(',')}`
}

/** The ids of a call's line items' services, each once, in a fixed order. */
function serviceIds(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort()
}

/** loadServices' read of these services, to send with a booking's BEGIN; none for lines without a service. */
export function servicesRead(ids: readonly string[]): ReadAhead[] {
  const wanted = serviceIds(ids)
  if (!wanted.length) return []
  return [{ key: servicesKey(wanted), sql: servicesSql(sqlArray(wanted)) }]
}

/** The catalog services with the given ids (archived ones included); a missing one is NOT_FOUND naming its field. */
export async function loadServices(tx: Queryable, refs: Array<{ id: string; field: string }>): Promise<Map<string, Service>> {
  const ids = serviceIds(refs.map((r) => r.id))
  const out = new Map<string, Service>()
  if (!ids.length) return out
  const r = await remembered(tx, servicesKey(ids), () => tx.query<Service>(servicesSql('$1'), [ids]))
  for (const s of r.rows) out.set(s.id, s)
  const missing = refs.find((ref) => !out.has(ref.id))
  if (missing) throw missingService({ field: missing.field, id: missing.id, catalog: await catalogNames(tx) })
  return out
}

/**
 * Prices a new line by its service's rule: fixed and product lines take the catalog price, per_unit lines the catalog
 * unit price times the quantity, flexible lines the price given or else the suggested one. Only flexible services and
 * lines without a service take a unit price from the caller; giving another price for a catalog-priced service is refused,
 * and so is a line whose price (quantity * unit price) is more than a price may be.
 */
export function priceLine(input: LineItemInput, service: Service | undefined, field: string): PricedLine {
  const quantity = input.quantity ?? 1
  if (!service) {
    const issues = []
    if (!input.description) issues.push({ field: `${field}.description`, message: 'is required for a line without service_id' })
    if (input.unit_price_cents === undefined)
      issues.push({ field: `${field}.unit_price_cents`, message: 'is required for a line without service_id' })
    if (issues.length) throw validationError(issues)
    linePriceCents(quantity, input.unit_price_cents!, field)
    return {
      service_id: null,
      description: input.description!,
      quantity,
      unit_price_cents: input.unit_price_cents!,
      duration_minutes: input.duration_minutes ?? null,
      taxable: input.taxable ?? true,
    }
  }
  if (service.status !== 'active') {
    throw validationError([{ field: `${field}.service_id`, message: `${service.name} is archived and can no longer be booked` }])
  }
  const unitPrice = unitPriceFor(service, input.unit_price_cents, `${field}.unit_price_cents`)
  linePriceCents(quantity, unitPrice, field)
  return {
    service_id: service.id,
    description: input.description ?? service.name,
    quantity,
    unit_price_cents: unitPrice,
    duration_minutes:
      input.duration_minutes ?? (service.default_duration_minutes === null ? null : service.default_duration_minutes * quantity),
    taxable: input.taxable ?? service.taxable,
  }
}

/** The unit price a line of this service gets when the caller asks for `given` (undefined: the catalog's). */
export function unitPriceFor(
  service: Pick<Service, 'name' | 'pricing' | 'price_cents' | 'unit_name'>,
  given: number | undefined,
  field: string,
): number {
  if (service.pricing === 'flexible') {
    const price = given ?? service.price_cents
    if (price === null || price === undefined) {
      throw validationError([{ field, message: `is required: ${service.name} is priced per ticket and has no suggested price` }])
    }
    return price
  }
  const catalog = service.price_cents as number
  if (given !== undefined && given !== catalog) {
    const per = service.pricing === 'per_unit' ? ` per ${service.unit_name}` : ''
    throw validationError([
      {
        field,
        message:
          `${service.name} has a ${service.pricing.replace('_', '-')} price of ${catalog} cents${per}; ` +
          'leave unit_price_cents out (only flexible services and lines without a service take a price)',
      },
    ])
  }
  return catalog
}

/** Inserts lines, in order, after the ticket's last one; returns them as stored (LINE_ITEM_COLUMNS), in that order. */
export async function insertLines(tx: Queryable, tenantId: string, ticketId: string, lines: PricedLine[]): Promise<LineItemRow[]> {
  if (!lines.length) return []
  const r = await tx.query<LineItemRow>(
    linesInsertSql({
      tenant: '$1',
      ticketId: '$2',
      lines: '$3',
      after: 'coalesce((select max(position) from ticket_line_items where ticket_id = $2), -1)',
    }),
    [tenantId, ticketId, linesJson(lines)],
  )
  return r.rows.sort((a, b) => a.position - b.position)
}

/** Lines as linesInsertSql reads them: their order is their place. */
export function linesJson(lines: PricedLine[]): string {
  return JSON.stringify(lines.map((l, i) => ({ ...l, ord: i + 1 })))
}

/**
 * The insert of priced lines (a statement, or a CTE of a new ticket's insert), returning LINE_ITEM_COLUMNS: SQL
 * expressions for the business, the ticket, the lines' JSON (linesJson) and the position they follow; `from` names a
 * CTE the ticket id is read from.
 */
export function linesInsertSql(args: { tenant: string; ticketId: string; lines: string; after: string; from?: string }): string {
  return `insert into ticket_line_items (tenant_id, ticket_id, service_id, description, quantity, unit_price_cents, duration_minutes, taxable, position)
     select ${args.tenant}, ${args.ticketId}, l.service_id, l.description, l.quantity, l.unit_price_cents, l.duration_minutes, l.taxable,
            ${args.after} + l.ord
     from ${args.from ? `${args.from}, ` : ''}jsonb_to_recordset(${args.lines}::jsonb) as l(service_id uuid, description text, quantity int, unit_price_cents int,
       duration_minutes int, taxable boolean, ord int)
     returning ${LINE_ITEM_COLUMNS}`
}
