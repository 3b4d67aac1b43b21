import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { validationError } from '../../kernel/errors.js'
import { createTicket } from '../tickets/actions.js'
import type { LineItemInput } from '../tickets/pricing.js'
import type { OrderRow } from './model.js'
import { servicesById } from '../services/model.js'

/** One visit as order.book takes it. */
export interface OrderVisit {
  scheduled_start: string
  duration_minutes?: number
  technician_ids: string[]
  address_id?: string
  line_item_ids?: string[]
}

type OrderLine = OrderRow['line_items'][number]

/**
 * Creates one ticket per visit through ticket.create (same checks, same appointment emails), each linked to the order
 * and carrying its share of the order's lines at the quoted prices.
 */
export async function bookOrderVisits(ctx: OperationContext, order: OrderRow, visits: OrderVisit[]): Promise<string[]> {
  const shares = shareLines(order.line_items, visits)
  const services = await catalogOf(ctx, order.line_items)
  const ids: string[] = []
  for (const [i, v] of visits.entries()) {
    const ticket = (await callWithin(ctx, createTicket, {
      contact_id: order.contact_id,
      address_id: v.address_id,
      scheduled_start: v.scheduled_start,
      duration_minutes: v.duration_minutes,
      technician_ids: v.technician_ids,
      line_items: shares[i].map((l) => ticketLine(l, services.get(l.service_id ?? ''))),
      notes: `Order ${order.number}`,
    })) as { id: string }
    await ctx.db.query('update tickets set order_id = $2 where id = $1', [ticket.id, order.id])
    ids.push(ticket.id)
  }
  return ids
}

/** Each visit's lines: those it names, and every line no visit names on the first. A line named twice, or not the order's, is refused. */
function shareLines(lines: OrderLine[], visits: OrderVisit[]): OrderLine[][] {
  const byId = new Map(lines.map((l) => [l.id, l]))
  const taken = new Set<string>()
  const shares = visits.map((v, i) =>
    (v.line_item_ids ?? []).map((id, j) => {
      const field = `data.visits.${i}.line_item_ids.${j}`
      const line = byId.get(id)
      if (!line) throw validationError([{ field, message: `is not a line of this order; its lines are ${[...byId.keys()].join(', ')}` }])
      if (taken.has(id)) throw validationError([{ field, message: 'names a line another visit already carries' }])
      taken.add(id)
      return line
    }),
  )
  shares[0].push(...lines.filter((l) => !taken.has(l.id)))
  return shares
}

/** The catalog as the order's lines name it. */
async function catalogOf(
  ctx: OperationContext,
  lines: OrderLine[],
): Promise<Map<string, { pricing: string; price_cents: number | null; status: string }>> {
  return servicesById(
    ctx.db,
    lines.map((l) => l.service_id).filter((id): id is string => !!id),
  )
}

/**
 * A ticket line at the quoted price. A ticket prices catalog services itself, so a line keeps its service only where
 * that gives the quoted price (a flexible service, or the catalog price unchanged); otherwise it is booked as a priced line of its own.
 */
function ticketLine(line: OrderLine, service: { pricing: string; price_cents: number | null; status: string } | undefined): LineItemInput {
  const base = { description: line.description, quantity: line.quantity }
  if (line.service_id && service?.status === 'active') {
    if (service.pricing === 'flexible') return { ...base, service_id: line.service_id, unit_price_cents: line.unit_price_cents }
    if (service.price_cents === line.unit_price_cents) return { ...base, service_id: line.service_id }
  }
  return { ...base, unit_price_cents: line.unit_price_cents, taxable: line.tax_rate_bp > 0 }
}
