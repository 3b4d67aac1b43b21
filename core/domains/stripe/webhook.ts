import { paymentsOf } from '../../clients/payments.js'
import type { Services } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { log } from '../../kernel/log.js'
import type { CapabilityWebhook, WebhookDelivery } from '../../kernel/plug-in.js'
import { applyStripeEvent } from './checkout-events.js'

/**
 * POST /api/webhooks/stripe: Stripe's Checkout events, verified against STRIPE_WEBHOOK_SECRET over the raw body. 200
 * once the event is applied, ignored, known already or found malformed (a signed event that cannot be read is logged,
 * never retried into a 500); 400 for a signature that does not verify; 503 while payments are not configured, so
 * Stripe keeps retrying until they are.
 */
export const stripeWebhook: CapabilityWebhook = {
  name: 'stripe',
  label: 'Stripe',
  path: '/api/webhooks/stripe',
  secretVariable: 'STRIPE_WEBHOOK_SECRET',
  setup: ({ environment }) => ({ on: Boolean(environment.STRIPE_SECRET_KEY), secretSet: Boolean(environment.STRIPE_WEBHOOK_SECRET) }),
  withoutSecret: { status: 'fail', effect: 'customers can pay, but their payments are not recorded' },
  setUpAt:
    "Stripe's dashboard, Developers > Webhooks (events checkout.session.completed, checkout.session.async_payment_succeeded, checkout.session.async_payment_failed)",
  receive: receiveEvent,
}

async function receiveEvent(services: Services, delivery: WebhookDelivery): Promise<unknown> {
  const payments = paymentsOf(services)
  if (!payments?.verifiesWebhooks) {
    throw new AppError(
      'UNAVAILABLE',
      `Stripe payments are not configured on this server: set ${payments ? 'STRIPE_WEBHOOK_SECRET' : 'STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET'}`,
    )
  }
  // Signed but possibly of any shape: only what is checked below is trusted.
  const event: unknown = payments.verifyEvent(delivery.body, delivery.header('stripe-signature'))
  const { id, type } = (event && typeof event === 'object' ? event : {}) as { id?: unknown; type?: unknown }
  const eventId = typeof id === 'string' ? id : null
  const requestId = delivery.requestId || String(eventId)
  const result = await applyStripeEvent(services, event, requestId)
  log(['unknown_invoice', 'refused', 'malformed'].includes(result.outcome) ? 'warn' : 'info', 'stripe webhook', {
    request_id: requestId,
    event_id: eventId,
    type: typeof type === 'string' ? type : null,
    ...result,
  })
  return { received: true, event_id: eventId, ...result }
}
