import { googleConfigFromEnv } from '../../../clients/google.js'
import type { Services } from '../../../kernel/context.js'
import { withWorkerRole } from '../../../db/tenant.js'
import { AppError } from '../../../kernel/errors.js'
import type { CapabilityWebhook, WebhookDelivery } from '../../../kernel/plug-in.js'
import { channelTokenHash, GOOGLE_WEBHOOK_PATH } from './channels.js'

/** The resource states Google sends: sync opens a channel; the others say the calendar's events changed. */
const STATES = new Set(['sync', 'exists', 'not_exists'])

/**
 * POST /api/webhooks/google: Google says a watched calendar changed. The channel is found by X-Goog-Channel-ID and its
 * X-Goog-Channel-Token checked against the hash kept when it was opened; the person's account then syncs at the worker's
 * next pass. It answers at once with a 200 (Google's notifications carry no body; the sync reads the changes). An
 * unknown channel (stopped, or its account disconnected) answers 404, which tells Google to stop sending.
 */
export const googleCalendarWebhook: CapabilityWebhook = {
  name: 'google',
  label: 'Google calendar push',
  path: GOOGLE_WEBHOOK_PATH,
  // Each channel carries its own token, kept hashed when the channel was opened: there is no secret to set.
  secretVariable: null,
  setup: (config) => ({ on: googleConfigFromEnv(config.environment) !== null, secretSet: true }),
  withoutSecret: { status: 'warn', effect: '' },
  setUpAt: '',
  receive: receiveNotification,
}

async function receiveNotification(services: Services, delivery: WebhookDelivery): Promise<unknown> {
  const channelId = delivery.header('x-goog-channel-id')
  const token = delivery.header('x-goog-channel-token')
  const state = delivery.header('x-goog-resource-state')
  if (!channelId || channelId.length > 200) throw refused('the X-Goog-Channel-ID header is required')
  if (!token) throw refused('the X-Goog-Channel-Token header is required')
  if (!state || !STATES.has(state)) {
    throw new AppError('VALIDATION_ERROR', 'X-Goog-Resource-State must be sync, exists or not_exists', {
      issues: [{ field: 'headers.x-goog-resource-state', message: 'expected sync, exists or not_exists' }],
    })
  }
  const answer = await withWorkerRole(services.db, async (tx) => {
    const r = await tx.query<{ answer: string }>('select google_calendar_channel_notified($1, $2, $3, $4) as answer', [
      channelId,
      channelTokenHash(token),
      state !== 'sync',
      services.now(),
    ])
    return r.rows[0].answer
  })
  if (answer === 'unknown')
    throw new AppError('NOT_FOUND', `No Google channel ${channelId} is open here`, { field: 'headers.x-goog-channel-id' })
  if (answer === 'refused') throw refused('the X-Goog-Channel-Token does not match the channel')
  return { received: true }
}

function refused(why: string): AppError {
  return new AppError('UNAUTHENTICATED', `Webhook refused: ${why}`, { issues: [{ field: 'headers', message: why }] })
}
