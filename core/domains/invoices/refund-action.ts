import { paymentsOf } from '../../clients/payments.js'
import { z } from 'zod'
import { AppError, missingReference, validationError } from '../../kernel/errors.js'
import { MAX_CENTS } from '../../vocabulary/money.js'
import { invoice } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'

/** A refund as invoice.refund returns it. */
const REFUND = z.object({
  id: z.uuid(),
  invoice_id: z.uuid(),
  payment_id: z.uuid(),
  amount_cents: z.number().int(),
  payment_refunded_cents: z.number().int().describe('All refunded of the payment so far'),
  stripe_refund_id: z.string().nullable().describe("Stripe's refund, for a payment made through Stripe; null for one given back by hand"),
  reason: z.string().nullable(),
  created_at: z.string(),
})

/**
 * Gives back part or all of a payment: through Stripe for a payment made there (under a key of the payment and what was
 * refunded before, so a retry never refunds twice), else recorded as given back by hand. The owner's alone.
 */
export const refundPayment = defineAction({
  key: 'invoice.refund',
  example: { invoice_id: 'INV-2026-0004', payment_id: '00000000-0000-4000-8000-000000000002', amount_cents: 4500 },
  phrases: ['refund the customer', 'give the money back for the plan'],
  title: 'Refund a payment',
  place: invoice('/invoices', 'Refund beside the payment'),
  words: { phrase: 'refund payments' },
  description:
    "Refund part or all of an invoice's payment: a payment made through Stripe is refunded to the card there; any other is " +
    "recorded as given back by hand. The invoice keeps the payment with what was refunded beside it. Never an agent's: only the owner refunds.",
  access: { agent: 'never', technician: 'none' },
  input: z.strictObject({
    invoice_id: z.uuid(),
    payment_id: z.uuid().describe("One of the invoice's payments"),
    amount_cents: z.number().int().min(1).max(MAX_CENTS),
    reason: noteText(1000).optional(),
  }),
  output: REFUND,
  async run(ctx, input) {
    const found = await ctx.db.query<{ amount_cents: number; refunded_cents: number; method: string; reference: string | null }>(
      'select amount_cents, refunded_cents, method, reference from payments where id = $1 and invoice_id = $2 for update',
      [input.payment_id, input.invoice_id],
    )
    const payment = found.rows[0]
    if (!payment) throw missingReference('payment', input.payment_id, 'data.payment_id')
    const left = payment.amount_cents - payment.refunded_cents
    if (input.amount_cents > left)
      throw validationError([{ field: 'data.amount_cents', message: `must be at most ${left}, what is left of the payment to refund` }])
    let stripeRefundId: string | null = null
    if (payment.method === 'stripe' && payment.reference?.startsWith('pi_')) {
      const payments = paymentsOf(ctx.services)
      if (!payments)
        throw new AppError('UNAVAILABLE', 'This payment was made through Stripe, and online payments are off: refund it in Stripe')
      const refund = await payments.refund(
        {
          paymentIntentId: payment.reference,
          amountCents: input.amount_cents,
          metadata: { tenant_id: ctx.tenantId, invoice_id: input.invoice_id, payment_id: input.payment_id },
        },
        `refund-${input.payment_id}-${payment.refunded_cents}-${input.amount_cents}`,
      )
      stripeRefundId = refund.id
    }
    await ctx.db.query('update payments set refunded_cents = refunded_cents + $2 where id = $1', [input.payment_id, input.amount_cents])
    const r = await ctx.db.query<z.infer<typeof REFUND>>(
      `insert into refunds (tenant_id, payment_id, invoice_id, amount_cents, reason, stripe_refund_id)
       values (app_tenant(), $1, $2, $3, $4, $5)
       returning id, invoice_id, payment_id, amount_cents, $6::int as payment_refunded_cents, stripe_refund_id, reason, created_at::text`,
      [
        input.payment_id,
        input.invoice_id,
        input.amount_cents,
        input.reason ?? null,
        stripeRefundId,
        payment.refunded_cents + input.amount_cents,
      ],
    )
    const refund = r.rows[0]
    await ctx.audit({ entityType: 'invoice', entityId: input.invoice_id, action: 'refund', before: null, after: refund })
    return refund
  },
})
