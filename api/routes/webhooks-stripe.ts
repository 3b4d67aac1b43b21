import express, { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { applyStripeEvent } from '../../core/domains/invoices/stripe-events.js'
import { AppError } from '../../core/kernel/errors.js'
import { log } from '../../core/kernel/log.js'
import { sendData } from '../envelope.js'

/** Largest webhook body accepted; Stripe's events are a few kilobytes. */
const WEBHOOK_BODY_LIMIT = '512kb'

/**
 * POST /api/webhooks/stripe: Stripe's Checkout events, verified against STRIPE_WEBHOOK_SECRET over the raw body (so
 * this router is mounted before the JSON parser). 200 once the event is applied, ignored, known already or found malformed
 * (a signed event that cannot be read is logged, never retried into a 500); 400 for a
 * signature that does not verify; 503 while payments are not configured, so Stripe keeps retrying until they are.
 */
export function stripeWebhookRoutes(services: Services): Router {
  const router = Router()
  router.post('/api/webhooks/stripe', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const payments = services.payments
    if (!payments?.verifiesWebhooks) {
      throw new AppError(
        'UNAVAILABLE',
        `Stripe payments are not configured on this server: set ${payments ? 'STRIPE_WEBHOOK_SECRET' : 'STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET'}`,
      )
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    // Signed but possibly of any shape: only what is checked below is trusted.
    const event: unknown = payments.verifyEvent(body, req.get('stripe-signature'))
    const { id, type } = (event && typeof event === 'object' ? event : {}) as { id?: unknown; type?: unknown }
    const eventId = typeof id === 'string' ? id : null
    const requestId = String(res.locals.requestId ?? eventId)
    const result = await applyStripeEvent(services, event, requestId)
    log(['unknown_invoice', 'refused', 'malformed'].includes(result.outcome) ? 'warn' : 'info', 'stripe webhook', {
      request_id: requestId,
      event_id: eventId,
      type: typeof type === 'string' ? type : null,
      ...result,
    })
    sendData(res, { received: true, event_id: eventId, ...result })
  })
  return router
}
