import { callQuery } from '../../core/kernel/call-query.js'
import { localDate } from '../../core/vocabulary/time.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { businessZone } from './find-customer.js'
import type { ToolContext } from '../tool.js'

/** What a customer last paid for one service: the unit price and the completed visit it was on. */
export interface LastPrice {
  unit_price_cents: number
  currency: string
  date: string
  number: number
  ticket_id: string
}

/** Completed visits looked through for a price: a regular customer's last year or two. */
const VISITS_READ = 25

/** For each flexible-price service among these, what the customer paid for it on their latest completed visit that had it. */
export async function lastPricesOf(
  ctx: ToolContext,
  contactId: string,
  services: Array<Record<string, any>>,
): Promise<Map<string, LastPrice>> {
  const out = new Map<string, LastPrice>()
  const wanted = new Set(services.filter((s) => s.pricing === 'flexible').map((s) => String(s.id)))
  if (!wanted.size) return out
  const { items } = await callQuery(ctx, ticketsQuery, {
    params: { contact_id: contactId, status: 'completed', newest_first: 'true' },
    include: ['line_items'],
    limit: VISITS_READ,
  })
  const tz = await businessZone(ctx)
  for (const t of items) {
    for (const l of t.line_items ?? []) {
      const id = l.service_id ? String(l.service_id) : ''
      if (!wanted.has(id) || out.has(id)) continue
      out.set(id, {
        unit_price_cents: Number(l.unit_price_cents),
        currency: t.totals.currency,
        date: localDate(new Date(t.scheduled_start), tz),
        number: Number(t.number),
        ticket_id: String(t.id),
      })
    }
  }
  return out
}
