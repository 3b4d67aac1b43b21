import { z } from 'zod'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'

import { ORDER_COLUMNS, ORDER_HEAD, ORDER_STATUSES, ORDER_TICKET } from './model.js'
import { PRICED_LINE_RECORD, QUOTE_LINES, pricedLinesColumn } from '../../vocabulary/line-items.js'

/** Orders by id, or newest first, filtered by status and customer. */
export const ordersQuery = defineQuery({
  type: 'orders',
  description:
    'Orders: work a customer agreed to by accepting a quote, newest first. Each: id, number (O-YYYY-NNNN), quote_id, contact_id, ' +
    'status (pending_fulfilment|in_progress|fulfilled|invoiced|cancelled), subtotal_cents, tax_cents, total_cents, invoice_id, fulfilled_at, ' +
    "invoiced_at. Filters: status, contact_id, quote_id. include: line_items (the accepted quote's), tickets (its visits).",
  entity: 'order',
  include: ['line_items', 'tickets'],
  phrases: ['jobs', 'accepted quotes', 'work orders', 'to invoice'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(ORDER_STATUSES).optional(),
    contact_id: z.uuid().optional(),
    quote_id: z.uuid().optional(),
  }),
  record: ORDER_HEAD.extend({
    line_items: z.array(PRICED_LINE_RECORD).optional(),
    tickets: z.array(ORDER_TICKET).optional(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [req.id ?? null, p.status ?? null, p.contact_id ?? null, p.quote_id ?? null]
    const columns = [
      ORDER_COLUMNS,
      req.include.has('line_items') && pricedLinesColumn(QUOTE_LINES, 'o.quote_id'),
      req.include.has('tickets') &&
        `coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'number', t.number, 'scheduled_start', t.scheduled_start,
         'status', t.status) order by t.scheduled_start, t.number) from tickets t where t.order_id = o.id), '[]') as tickets`,
    ]
    return listPage(ctx.db, req, newestFirst('o'), args, {
      columns,
      from: 'orders o',
      where: `($1::uuid is null or o.id = $1)
         and ($2::text is null or o.status = $2)
         and ($3::uuid is null or o.contact_id = $3)
         and ($4::uuid is null or o.quote_id = $4)`,
    })
  },
})
