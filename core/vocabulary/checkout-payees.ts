import type { Services } from '../kernel/context.js'

/** A verified Checkout event about a payment for some record, as the Stripe webhook read it. */
export interface CheckoutEvent {
  id: string
  type: string
  created: number
  session: {
    id: string
    payment_status?: string | null
    amount_total?: number | null
    currency?: string | null
    payment_intent: string | null
    /** A setup-mode session's SetupIntent: where the saved card is read from. */
    setup_intent?: unknown
    mode?: unknown
  }
}

/** What applying a Checkout event to its record did; `unknown_<record>` when no such record is in the business. */
export type CheckoutOutcome = 'recorded' | 'replayed' | 'ignored' | 'refused' | 'payment_failed' | `unknown_${string}`

/** Applies a Checkout event to the record its session names, in that business, once. */
export type CheckoutPayee = (
  services: Services,
  tenantId: string,
  recordId: string,
  event: CheckoutEvent,
  requestId: string,
) => Promise<CheckoutOutcome>

const payees = new Map<string, CheckoutPayee>()

/**
 * Names who applies a Checkout session whose metadata carries `metadataKey` (an order's deposit: order_id). The domain
 * that makes such sessions registers from its front file, so the Stripe webhook applies them without importing it.
 */
export function registerCheckoutPayee(metadataKey: string, payee: CheckoutPayee): void {
  const known = payees.get(metadataKey)
  if (known && known !== payee) throw new Error(`Checkout sessions with ${metadataKey} already have a payee`)
  payees.set(metadataKey, payee)
}

/** The registered payee of a session's metadata and the record id it names, or null when none applies (an invoice's own). */
export function checkoutPayeeOf(metadata: Record<string, unknown> | null | undefined): { payee: CheckoutPayee; recordId: string } | null {
  for (const [key, payee] of payees) {
    const id = metadata?.[key]
    if (typeof id === 'string' && id) return { payee, recordId: id }
  }
  return null
}
