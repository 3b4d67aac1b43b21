import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'

/** A Stripe event as kept for its business: what it was about, what became of it and, when it was not applied, why. */
export interface StripeEventRow {
  event_id: string
  type: string
  invoice_id?: string | null
  order_id?: string | null
  outcome: string
  /** Why it was not applied, in words the owner can act on; null when it was. */
  reason?: string | null
  /** The amount and currency it carried, as Stripe sent them. */
  amount_cents?: number | null
  currency?: string | null
}

/** Keeps a Stripe event of the transaction's business once: a redelivery finds the row and adds nothing. */
export async function recordStripeEvent(tx: Queryable, tenantId: string, row: StripeEventRow): Promise<void> {
  await tx.query(
    `insert into stripe_events (tenant_id, event_id, type, invoice_id, order_id, outcome, reason, amount_cents, currency)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (tenant_id, event_id) do nothing`,
    [
      tenantId,
      row.event_id,
      row.type,
      row.invoice_id ?? null,
      row.order_id ?? null,
      row.outcome,
      row.reason?.slice(0, 2000) ?? null,
      row.amount_cents ?? null,
      row.currency?.slice(0, 10) ?? null,
    ],
  )
}

/**
 * Whether applying a signed event failed for good: what it says does not fit our records (a value the database cannot
 * hold, a rule it breaks). Retrying cannot change that, so the event is acknowledged and kept for the owner. A database
 * that is away, a conflict worth retrying or a fault of our own is not: Stripe is asked to deliver it again.
 */
export function cannotApply(err: unknown): err is AppError {
  return err instanceof AppError && ['VALIDATION_ERROR', 'CONFLICT', 'IMMUTABLE'].includes(err.code) && !err.details?.retryable
}
