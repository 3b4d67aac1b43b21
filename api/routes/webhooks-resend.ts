import express, { Router } from 'express'
import { z } from 'zod'
import type { Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { applyEmailEvent } from '../../core/jobs/email-events.js'
import { log } from '../../core/kernel/log.js'
import { sendData } from '../envelope.js'
import { readSvixDelivery } from '../../core/http/svix-delivery.js'
import { deliveryOf } from './capability-webhooks.js'
import { stateOf } from '../../core/http/request-state.js'

const eventSchema = z
  .object({
    type: z.string().min(1),
    data: z
      .object({
        email_id: z.string().min(1),
        to: z.union([z.array(z.string()), z.string()]).optional(),
        bounce: z
          .object({ message: z.string().optional(), type: z.string().optional(), subType: z.string().optional() })
          .loose()
          .optional(),
        failed: z.object({ reason: z.string().optional() }).loose().optional(),
      })
      .loose(),
  })
  .loose()

/**
 * POST /api/webhooks/resend: Resend's reports about sent emails, signed the Svix way. Mounted before the JSON body
 * parser, because the signature covers the exact bytes sent.
 */
export function resendWebhookRoutes(services: Services): Router {
  const router = Router()
  router.post('/api/webhooks/resend', express.raw({ type: () => true, limit: services.config.bodyLimitBytes }), async (req, res) => {
    const secret = services.config.resendWebhookSecret
    if (!secret)
      throw new AppError('UNAVAILABLE', "Resend webhooks are off: set RESEND_WEBHOOK_SECRET to the webhook's signing secret (whsec_...)")
    const { eventId, parsed } = await readSvixDelivery(secret, deliveryOf(req, res))
    const event = eventSchema.safeParse(parsed)
    if (!event.success) {
      // Signed by Resend, so well-meant: an event of a shape we do not know is acknowledged, not retried for days.
      log('warn', 'Resend webhook of an unexpected shape; acknowledged', { request_id: stateOf(res).requestId, event_id: eventId })
      sendData(res, { received: true, outcome: 'ignored' })
      return
    }
    const { type, data } = event.data
    const outcome = await applyEmailEvent(services, {
      eventId,
      type,
      emailId: data.email_id,
      to: Array.isArray(data.to) ? data.to : data.to ? [data.to] : [],
      reason: data.bounce?.message ?? data.failed?.reason ?? null,
      transient: /^transient$/i.test(data.bounce?.type ?? ''),
      detail: { ...(data.bounce ? { bounce: data.bounce } : {}), ...(data.failed ? { failed: data.failed } : {}), to: data.to ?? null },
    })
    sendData(res, { received: true, outcome })
  })
  return router
}
