import express, { Router } from 'express'
import { z } from 'zod'
import type { Services } from '../../core/context.js'
import { withWorkerRole } from '../../core/db/tenant.js'
import { AppError } from '../../core/errors.js'
import { sendData } from '../envelope.js'

/** The part of Intuit's notification the product reads: which companies changed. */
const notificationSchema = z
  .object({ eventNotifications: z.array(z.object({ realmId: z.string().min(1).max(64) }).loose()).max(1000) })
  .loose()

/**
 * POST /api/webhooks/quickbooks: Intuit says records changed in these companies. The signature (intuit-signature, an
 * HMAC of the exact bytes with the app's verifier token) is checked, then each company connected here syncs at the
 * worker's next pass. It answers at once: Intuit retries slow deliveries, and the sync itself reads the changes.
 */
export function quickbooksWebhookRoutes(services: Services): Router {
  const router = Router()
  router.post('/api/webhooks/quickbooks', express.raw({ type: () => true, limit: services.config.bodyLimitBytes }), async (req, res) => {
    const client = services.quickbooks
    if (!client?.config.webhookVerifier) {
      throw new AppError(
        'UNAVAILABLE',
        "QuickBooks webhooks are off: set QUICKBOOKS_WEBHOOK_VERIFIER to the verifier token of the Intuit app's webhooks" +
          (client ? '' : ', with QUICKBOOKS_CLIENT_ID and QUICKBOOKS_CLIENT_SECRET'),
      )
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    const signature = req.get('intuit-signature')
    if (!signature) throw refused('the intuit-signature header is required')
    if (!client.verifyWebhook(raw, signature)) throw refused('the intuit-signature does not match the body')
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      throw new AppError('VALIDATION_ERROR', 'The body is not valid JSON', { issues: [{ field: 'body', message: 'invalid JSON' }] })
    }
    const notification = notificationSchema.safeParse(parsed)
    if (!notification.success) {
      throw new AppError('VALIDATION_ERROR', 'The body has no eventNotifications with a realmId each', {
        issues: [{ field: 'body.eventNotifications', message: 'expected an array of objects with realmId' }],
      })
    }
    const realms = [...new Set(notification.data.eventNotifications.map((e) => e.realmId))]
    const now = services.now()
    const companies = await withWorkerRole(services.db, async (tx) => {
      let n = 0
      for (const realm of realms) {
        const r = await tx.query<{ n: number }>('select quickbooks_request_sync($1, $2) as n', [realm, now])
        n += Number(r.rows[0].n)
      }
      return n
    })
    sendData(res, { received: true, companies })
  })
  return router
}

function refused(why: string): AppError {
  return new AppError('UNAUTHENTICATED', `Webhook refused: ${why}`, { issues: [{ field: 'headers', message: why }] })
}
