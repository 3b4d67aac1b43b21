import { z } from 'zod'
import type { CapabilityWebhook, WebhookDelivery } from '../../kernel/plug-in.js'
import type { Services } from '../../kernel/context.js'
import { withWorkerRole } from '../../db/tenant.js'
import { AppError } from '../../kernel/errors.js'
import { quickbooksConfigFromEnv } from './client/quickbooks.js'
import { quickbooksClientOf } from './availability.js'
import { QUICKBOOKS_SYNC_EVERY_SECONDS } from './sync-job.js'

/** The part of Intuit's notification the product reads: which companies changed. */
const notificationSchema = z
  .object({ eventNotifications: z.array(z.object({ realmId: z.string().min(1).max(64) }).loose()).max(1000) })
  .loose()

/**
 * POST /api/webhooks/quickbooks: Intuit says records changed in these companies. The signature (intuit-signature, an
 * HMAC of the exact bytes with the app's verifier token) is checked, then each company connected here syncs at the
 * worker's next pass. It answers at once: Intuit retries slow deliveries, and the sync itself reads the changes.
 */
export const quickbooksWebhook: CapabilityWebhook = {
  name: 'quickbooks',
  label: 'QuickBooks',
  path: '/api/webhooks/quickbooks',
  secretVariable: 'QUICKBOOKS_WEBHOOK_VERIFIER',
  setup: (config) => {
    const settings = quickbooksConfigFromEnv(config.environment)
    return { on: settings !== null, secretSet: Boolean(settings?.webhookVerifier) }
  },
  withoutSecret: {
    status: 'warn',
    effect: `changes made in QuickBooks are read only at each regular sync (every ${QUICKBOOKS_SYNC_EVERY_SECONDS / 60} minutes)`,
  },
  setUpAt: "your Intuit developer app's Webhooks page",
  receive: receiveNotification,
}

async function receiveNotification(services: Services, delivery: WebhookDelivery): Promise<unknown> {
  const client = quickbooksClientOf(services)
  if (!client?.config.webhookVerifier) {
    throw new AppError(
      'UNAVAILABLE',
      "QuickBooks webhooks are off: set QUICKBOOKS_WEBHOOK_VERIFIER to the verifier token of the Intuit app's webhooks" +
        (client ? '' : ', with QUICKBOOKS_CLIENT_ID and QUICKBOOKS_CLIENT_SECRET'),
    )
  }
  const raw = delivery.body
  const signature = delivery.header('intuit-signature')
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
  return { received: true, companies }
}

function refused(why: string): AppError {
  return new AppError('UNAUTHENTICATED', `Webhook refused: ${why}`, { issues: [{ field: 'headers', message: why }] })
}
