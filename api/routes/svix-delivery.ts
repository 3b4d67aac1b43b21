import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Request } from 'express'
import { AppError } from '../../core/errors.js'

/** How far a webhook's timestamp may be from our clock: older deliveries are refused, so a captured one cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60

/**
 * A delivery signed the Svix way (Resend's webhooks), read from the raw body the route kept: the signature checked
 * (see verifySvixSignature), then the body parsed as JSON. Returns the delivery's id (svix-id) and the parsed body.
 */
export function readSvixDelivery(secret: string, req: Request, now: Date): { eventId: string; parsed: unknown } {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
  const eventId = verifySvixSignature(secret, req, raw, now)
  try {
    return { eventId, parsed: JSON.parse(raw.toString('utf8')) }
  } catch {
    throw new AppError('VALIDATION_ERROR', 'The body is not valid JSON', { issues: [{ field: 'body', message: 'invalid JSON' }] })
  }
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
