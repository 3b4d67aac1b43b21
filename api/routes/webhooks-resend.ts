import { createHmac, timingSafeEqual } from 'node:crypto'
import express, { Router, type Request } from 'express'
import { z } from 'zod'
import type { Services } from '../../core/context.js'
import { AppError } from '../../core/errors.js'
import { applyEmailEvent } from '../../core/jobs/email-events.js'
import { log } from '../../core/log.js'
import { sendData } from '../envelope.js'
import { stateOf } from '../../core/http/request-state.js'

/** How far a webhook's timestamp may be from our clock: older deliveries are refused, so a captured one cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60

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
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    const eventId = verifySvixSignature(secret, req, raw, services.now())
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      throw new AppError('VALIDATION_ERROR', 'The body is not valid JSON', { issues: [{ field: 'body', message: 'invalid JSON' }] })
    }
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

/**
 * Checks the Svix signature: HMAC-SHA256 with the secret's key over "id.timestamp.body", base64, compared in constant
 * time with each v1 signature in the header; the timestamp must be within the tolerance. Returns the event id.
 */
export function verifySvixSignature(secret: string, req: Request, raw: Buffer, now: Date): string {
  const id = req.get('svix-id') ?? ''
  const timestamp = req.get('svix-timestamp') ?? ''
  const signatures = req.get('svix-signature') ?? ''
  if (!id || !timestamp || !signatures) throw forged('the svix-id, svix-timestamp and svix-signature headers are required')
  const seconds = Number(timestamp)
  if (!/^\d+$/.test(timestamp) || Math.abs(now.getTime() / 1000 - seconds) > WEBHOOK_TOLERANCE_SECONDS) {
    throw forged(`the svix-timestamp is not within ${WEBHOOK_TOLERANCE_SECONDS / 60} minutes of now`)
  }
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(raw).digest()
  const match = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',')
    if (version !== 'v1' || !value) return false
    const given = Buffer.from(value, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
  if (!match) throw forged('the signature does not match')
  return id
}

function forged(why: string): AppError {
  return new AppError('VALIDATION_ERROR', `Webhook refused: ${why}`, { issues: [{ field: 'headers', message: why }] })
}
