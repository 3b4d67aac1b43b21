import express, { type Request, type Response, Router } from 'express'
import { type WebhookDelivery, WebhookReply } from '../../core/kernel/plug-in.js'
import type { Services } from '../../core/kernel/context.js'
import { stateOf } from '../../core/http/request-state.js'
import { sendData } from '../envelope.js'

/** A webhook request as a capability's handler reads it: the exact bytes the raw body parser kept, and the headers. */
export function deliveryOf(req: Request, res: Response): WebhookDelivery {
  return {
    body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    header: (name) => req.get(name),
    requestId: stateOf(res).requestId,
  }
}

/**
 * Every capability's webhooks (services.capabilities), each at its path. Mounted before the JSON body parser:
 * a signature covers the exact bytes sent, so each keeps its raw body. The handler's data is answered in the envelope,
 * or as it is when the handler answers in the provider's own format (a WebhookReply).
 */
export function capabilityWebhookRoutes(services: Services): Router {
  const router = Router()
  for (const webhook of services.capabilities.flatMap((c) => c.webhooks ?? [])) {
    router.post(webhook.path, express.raw({ type: () => true, limit: services.config.bodyLimitBytes }), async (req, res) => {
      const answer = await webhook.receive(services, deliveryOf(req, res))
      if (answer instanceof WebhookReply) res.status(200).type(answer.contentType).send(answer.body)
      else sendData(res, answer)
    })
  }
  return router
}
