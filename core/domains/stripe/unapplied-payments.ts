import { z } from 'zod'
import { listPage } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { isoDate } from '../../kernel/schema-types.js'
import { dayRange } from '../../vocabulary/time.js'
import { timestamp } from '../../kernel/output-types.js'
import { loadTenantSettings } from '../settings/model.js'

/** Why a signed payment event was not applied: it did not fit its invoice or order, or it could not be read. */
export const UNAPPLIED_OUTCOMES = ['refused', 'malformed'] as const

/** Days an unrecorded payment stays on the owner's Home and in daily_briefing: long enough to be seen and settled. */
export const UNAPPLIED_DAYS = 30

/** Online payments Stripe reported for the business's invoices and deposits that were not recorded, for the owner to settle. */
export const unappliedPaymentsQuery = defineQuery({
  type: 'unapplied_payments',
  description:
    "Online payments Stripe reported (signed events) for the business's invoices or order deposits that were not recorded, " +
    'newest first. The customer may have been charged: check each in Stripe, then refund it there or record the money by hand ' +
    "(invoice.record_payment). Each: event_id (Stripe's), type, outcome (refused: it did not fit the invoice or order, such as " +
    'another currency or an amount beyond what an invoice holds; malformed: it could not be read), reason, amount_cents and currency ' +
    'as Stripe sent them (null when unknown), invoice_id and invoice_number or order_id and order_number, received_at. ' +
    'Filter: since (YYYY-MM-DD, business time zone: received that day or later).',
  phrases: ['stripe', 'payment not recorded', 'webhook', 'refused payment', 'online payment problem'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    since: isoDate().optional().describe('Only events received on this day or later, YYYY-MM-DD in the business time zone'),
  }),
  record: z.object({
    event_id: z.string(),
    type: z.string(),
    outcome: z.enum(UNAPPLIED_OUTCOMES),
    reason: z.string().nullable(),
    amount_cents: z.number().int().nullable(),
    currency: z.string().nullable(),
    invoice_id: z.uuid().nullable(),
    invoice_number: z.string().nullable(),
    order_id: z.uuid().nullable(),
    order_number: z.string().nullable(),
    received_at: timestamp,
  }),
  async run(ctx, req) {
    // Stripe's events have ids of their own, not ours: none is read by id.
    if (req.id) return { items: [], next_cursor: null }
    const since = req.params.since ? dayRange(req.params.since, (await loadTenantSettings(ctx.db)).timezone).start : null
    const args: unknown[] = [since]
    return listPage(ctx.db, req, { keys: ['e.created_at', 'e.event_id'], types: ['timestamptz', 'text'], descending: true }, args, {
      columns: `e.event_id, e.type, e.outcome, e.reason, e.amount_cents::float8 as amount_cents, e.currency, e.invoice_id, i.number as invoice_number,
                e.order_id, o.number as order_number, e.created_at as received_at`,
      from: `stripe_events e
       left join invoices i on i.tenant_id = e.tenant_id and i.id = e.invoice_id
       left join orders o on o.tenant_id = e.tenant_id and o.id = e.order_id`,
      where: `e.outcome in ('refused', 'malformed') and ($1::timestamptz is null or e.created_at >= $1)`,
    })
  },
})
