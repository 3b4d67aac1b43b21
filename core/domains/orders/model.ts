import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { AppError, notFound } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { PRICED_LINE_RECORD, QUOTE_LINES, readPricedLines } from '../../vocabulary/line-items.js'

/** Where an order is: waiting to be booked, booked and under way, done, billed, or called off. */
export const ORDER_STATUSES = ['pending_fulfilment', 'in_progress', 'fulfilled', 'invoiced', 'cancelled'] as const

/** The columns of an order as the API shows it (alias o). */
export const ORDER_COLUMNS = `o.id, o.number, o.quote_id, o.contact_id, o.status, o.currency, o.subtotal_cents, o.tax_cents, o.total_cents,
  o.deposit_cents, o.deposit_paid_cents, o.deposit_paid_at, o.invoice_id, o.fulfilled_at, o.invoiced_at, o.cancelled_at, o.cancel_reason, o.created_at, o.updated_at`

/** A visit an order was booked as. */
export const ORDER_TICKET = z.object({ id: z.uuid(), number: z.number().int(), scheduled_start: timestamp, status: z.string() })

/** An order head as the API shows it (ORDER_COLUMNS). */
export const ORDER_HEAD = z.object({
  id: z.uuid(),
  number: z.string(),
  quote_id: z.uuid(),
  contact_id: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string(),
  subtotal_cents: z.number().int(),
  tax_cents: z.number().int(),
  total_cents: z.number().int(),
  deposit_cents: z.number().int(),
  deposit_paid_cents: z.number().int(),
  deposit_paid_at: timestamp.nullable(),
  invoice_id: z.uuid().nullable(),
  fulfilled_at: timestamp.nullable(),
  invoiced_at: timestamp.nullable(),
  cancelled_at: timestamp.nullable(),
  cancel_reason: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** An order with the accepted quote's lines and its visits, as the order actions answer (loadOrder). */
export const ORDER_RECORD = ORDER_HEAD.extend({ line_items: z.array(PRICED_LINE_RECORD), tickets: z.array(ORDER_TICKET) })

/** An order as loaded. */
export type OrderRow = z.output<typeof ORDER_RECORD>

/** The visits of an order, by start. */
export const ORDER_TICKETS_SQL = `select t.id, t.number, t.scheduled_start, t.status from tickets t where t.order_id = $1 order by t.scheduled_start, t.number`

/** An order with its lines and visits, optionally locked for a change; NOT_FOUND when there is none. */
export async function loadOrder(tx: Queryable, id: string, lock = false): Promise<OrderRow> {
  const r = await tx.query(`select ${ORDER_COLUMNS} from orders o where o.id = $1 ${lock ? 'for update' : ''}`, [id])
  if (!r.rows[0]) throw notFound('order', id)
  const order = r.rows[0]
  const lines = await readPricedLines(tx, QUOTE_LINES, order.quote_id)
  const tickets = await tx.query(ORDER_TICKETS_SQL, [id])
  return { ...order, line_items: lines, tickets: tickets.rows } as OrderRow
}

/** An order as the audit records it: its own fields (its lines are the quote's and never change). */
export function orderAuditView(order: OrderRow): Record<string, unknown> {
  const { line_items: _lines, ...fields } = order
  return fields
}

/** Sets an order's status (and what goes with it), audited; returns the order as it is now. */
export async function moveOrder(
  ctx: OperationContext,
  before: OrderRow,
  action: string,
  set: string,
  args: unknown[] = [],
): Promise<OrderRow> {
  await ctx.db.query(`update orders set ${set} where id = $1`, [before.id, ...args])
  const after = await loadOrder(ctx.db, before.id)
  await ctx.audit({ entityType: 'order', entityId: before.id, action, before: orderAuditView(before), after: orderAuditView(after) })
  return after
}

/** Refuses a change to an order in the wrong state, naming its status. */
export function orderConflict(order: Pick<OrderRow, 'id' | 'number' | 'status'>, message: string): AppError {
  return new AppError('CONFLICT', `Order ${order.number} is ${order.status.replace('_', ' ')}: ${message}`, {
    order_id: order.id,
    number: order.number,
    status: order.status,
  })
}

/**
 * After one of its visits closed: an order whose visits are all done (at least one completed, the rest completed,
 * cancelled or no-show) becomes fulfilled. Called inside the close's own transaction.
 */
export async function settleOrderOfTicket(ctx: OperationContext, ticketId: string): Promise<void> {
  const t = await ctx.db.query<{ order_id: string | null }>('select order_id from tickets where id = $1', [ticketId])
  const orderId = t.rows[0]?.order_id
  if (!orderId) return
  const order = await loadOrder(ctx.db, orderId, true)
  if (order.status !== 'in_progress' && order.status !== 'pending_fulfilment') return
  const statuses = order.tickets.map((v) => v.status)
  if (!statuses.includes('completed') || statuses.some((s) => !['completed', 'cancelled', 'no_show'].includes(s))) return
  await moveOrder(ctx, order, 'fulfil', `status = 'fulfilled', fulfilled_at = $2`, [ctx.services.now()])
}
