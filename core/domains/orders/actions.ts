import { z } from 'zod'
import { validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { applyPayment, insertInvoice, INVOICE_RECORD } from '../invoices/model.js'
import { localDate } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { instantInput } from '../tickets/model.js'
import { bookOrderVisits } from './booking.js'
import { loadOrder, moveOrder, ORDER_RECORD, orderConflict } from './model.js'
import { BY_AGENT_OR_API, page } from '../../vocabulary/places.js'

const visit = z.strictObject({
  scheduled_start: instantInput.describe('ISO 8601; without an offset it is wall-clock time in the business time zone'),
  duration_minutes: z.number().int().min(5).max(1440).optional().describe("Default: the lines' durations, else one hour"),
  technician_ids: z.array(z.uuid()).max(10).default([]).describe('Team members (user ids); each is checked for double booking'),
  address_id: z.uuid().optional().describe("One of the customer's addresses"),
  line_item_ids: z
    .array(z.uuid())
    .max(100)
    .optional()
    .describe("The order's lines done on this visit; lines no visit names go on the first visit"),
})

/** Books an order's work as visits (tickets), one per visit. */
export const bookOrder = defineAction({
  key: 'order.book',
  phrases: ['schedule the accepted quote', 'book the work of an order', 'schedule order', 'book job', 'book accepted quote'],
  title: 'Book the visits of an order',
  place: page('/orders', 'pick the order, then Book'),
  description:
    "Book a pending order's work as visits: one ticket per entry of visits, linked to the order, carrying the order's lines " +
    '(each line on exactly one visit: line_item_ids, the rest on the first visit) at the quoted prices. Booking follows ticket.create: ' +
    "double bookings are a CONFLICT and the customer's appointment emails are queued. The order becomes in_progress; it becomes " +
    'fulfilled when all its visits are closed. Returns the order with its tickets.',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject({ order_id: z.uuid(), visits: z.array(visit).min(1).max(10) }),
  output: ORDER_RECORD,
  async run(ctx, input) {
    const before = await loadOrder(ctx.db, input.order_id, true)
    if (before.status !== 'pending_fulfilment')
      throw orderConflict(before, 'only a pending order is booked (its visits are already booked)')
    await bookOrderVisits(ctx, before, input.visits)
    return moveOrder(ctx, before, 'book', `status = 'in_progress'`)
  },
})

/** Marks an order's work done without waiting for its visits to close. */
export const fulfilOrder = defineAction({
  key: 'order.fulfil',
  title: 'Mark an order fulfilled',
  place: page('/orders', 'pick the order, then Mark fulfilled'),
  description:
    'Mark a pending or in-progress order fulfilled: the work is done (an order whose visits all close is fulfilled by itself). ' +
    'Then bill it with order.invoice. Fulfilling twice changes nothing; an invoiced or cancelled order is a CONFLICT.',
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  phrases: ['job done', 'complete order', 'work finished'],
  input: z.strictObject({ order_id: z.uuid() }),
  output: ORDER_RECORD,
  async run(ctx, input) {
    const before = await loadOrder(ctx.db, input.order_id, true)
    if (before.status === 'fulfilled') return before
    if (before.status !== 'pending_fulfilment' && before.status !== 'in_progress') throw orderConflict(before, 'it cannot be fulfilled')
    return moveOrder(ctx, before, 'fulfil', `status = 'fulfilled', fulfilled_at = $2`, [ctx.services.now()])
  },
})

/** Bills a fulfilled order: its invoice carries the accepted quote's lines and prices. */
export const invoiceOrder = defineAction({
  key: 'order.invoice',
  phrases: ['bill the finished order', 'invoice an order', 'bill order', 'invoice job', 'bill accepted quote'],
  title: 'Invoice an order',
  place: page('/orders', 'pick the order, then Invoice'),
  description:
    "Create the draft invoice of a fulfilled order, with the accepted quote's lines, prices and tax rates, and any deposit paid " +
    'online credited as a payment on it; the order becomes invoiced (once). Nothing flows back: changing or voiding the invoice changes neither the order nor the quote. Send it with ' +
    'invoice.send. An order not yet fulfilled, already invoiced or cancelled is a CONFLICT. Returns order and invoice.',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject({ order_id: z.uuid() }),
  output: z.object({ order: ORDER_RECORD, invoice: INVOICE_RECORD }),
  async run(ctx, input) {
    const before = await loadOrder(ctx.db, input.order_id, true)
    if (before.status !== 'fulfilled') {
      throw orderConflict(
        before,
        before.status === 'invoiced' ? `it was already billed (invoice ${before.invoice_id})` : 'only a fulfilled order is billed',
      )
    }
    const settings = await loadTenantSettings(ctx.db)
    const lines = before.line_items.map((l) => ({
      service_id: l.service_id,
      description: l.description,
      quantity: l.quantity,
      unit_price_cents: l.unit_price_cents,
      tax_rate_bp: l.tax_rate_bp,
    }))
    let invoice = await insertInvoice(
      ctx,
      settings,
      { contact_id: before.contact_id, ticket_id: null, notes: `Order ${before.number}` },
      lines,
    )
    if (before.deposit_paid_cents > 0) {
      // The deposit paid on accepting is money already received on this work.
      invoice = (
        await applyPayment(
          ctx,
          invoice,
          {
            amount_cents: Math.min(before.deposit_paid_cents, Number(invoice.total_cents)),
            method: 'stripe',
            reference: `Deposit for order ${before.number}`,
            received_at: new Date(before.deposit_paid_at as unknown as string).toISOString(),
          },
          localDate(ctx.services.now(), settings.timezone),
        )
      ).invoice
    }
    const order = await moveOrder(ctx, before, 'invoice', `status = 'invoiced', invoice_id = $2, invoiced_at = $3`, [
      invoice.id,
      ctx.services.now(),
    ])
    return { order, invoice }
  },
})

/** Calls off an order that has not been billed. */
export const cancelOrder = defineAction({
  key: 'order.cancel',
  title: 'Cancel an order',
  place: BY_AGENT_OR_API,
  description:
    'Cancel an order not yet invoiced, with a reason. Its visits are not cancelled by this: cancel them with ticket.cancel. ' +
    'The accepted quote stays accepted. Cancelling twice changes nothing; an invoiced order is a CONFLICT (void the invoice instead).',
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ order_id: z.uuid(), reason: noteText(500).optional() }),
  output: ORDER_RECORD,
  async run(ctx, input) {
    const before = await loadOrder(ctx.db, input.order_id, true)
    if (before.status === 'cancelled') return before
    if (before.status === 'invoiced') throw orderConflict(before, 'it was billed; void its invoice instead')
    const reason = input.reason ?? ctx.reasoning
    if (!reason) throw validationError([{ field: 'data.reason', message: 'is required: say why the order is called off' }])
    return moveOrder(ctx, before, 'cancel', `status = 'cancelled', cancelled_at = $2, cancel_reason = $3`, [ctx.services.now(), reason])
  },
})
