import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { GoogleCaller } from '../../../clients/google.js'
import type { Queryable } from '../../../db/types.js'
import { stopGoogleChannel as stopChannel, watchGoogleEvents as watchEvents } from '../../../clients/google-calendar.js'

/** Where Google delivers its notifications. */
export const GOOGLE_WEBHOOK_PATH = '/api/webhooks/google'
/** How long a channel is asked for. */
export const CHANNEL_TTL_SECONDS = 7 * 24 * 3600
/** A channel this close to its end is replaced at the next sync. */
export const RENEW_BEFORE_MS = 24 * 3600_000

/** The hash a channel's token is kept as. */
export function channelTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Google pushes only to a public https address: the webhook's address, or null when the server has none. */
export function webhookAddress(publicBaseUrl: string): string | null {
  return publicBaseUrl.startsWith('https://') ? `${publicBaseUrl}${GOOGLE_WEBHOOK_PATH}` : null
}

/** The channel kept for one calendar. */
export interface KeptChannel {
  channel_id: string | null
  channel_resource_id: string | null
  channel_expires_at: Date | null
}

/**
 * Keeps a push channel open on the calendar while the server has a public https address: a new one when there is none
 * or it ends within a day (the old one stopped once the new one is kept); the one kept is stopped when the address is
 * no longer https. Answers what it did.
 */
export async function keepChannel(
  tx: Queryable,
  caller: GoogleCaller,
  at: { userId: string; calendarId: string; publicBaseUrl: string; now: Date },
  kept: KeptChannel,
): Promise<'kept' | 'opened' | 'stopped' | 'none'> {
  const address = webhookAddress(at.publicBaseUrl)
  const old = kept.channel_id && kept.channel_resource_id ? { id: kept.channel_id, resourceId: kept.channel_resource_id } : null
  if (!address) {
    if (!old) return 'none'
    await forgetChannel(tx, at.userId, at.calendarId)
    await stopChannel(caller, old).catch(() => undefined)
    return 'stopped'
  }
  if (old && kept.channel_expires_at && new Date(kept.channel_expires_at).getTime() - at.now.getTime() > RENEW_BEFORE_MS) return 'kept'
  const id = randomUUID()
  const token = randomBytes(24).toString('base64url')
  const channel = await watchEvents(caller, at.calendarId, { id, token, address, ttlSeconds: CHANNEL_TTL_SECONDS })
  const ms = Number(channel.expiration)
  const expires = new Date(Number.isFinite(ms) && ms > 0 ? ms : at.now.getTime() + CHANNEL_TTL_SECONDS * 1000)
  await tx.query(
    `update google_calendar_reads set channel_id = $3, channel_token_hash = $4, channel_resource_id = $5, channel_expires_at = $6
     where user_id = $1 and calendar_id = $2`,
    [at.userId, at.calendarId, id, channelTokenHash(token), channel.resourceId, expires],
  )
  // The old channel may already have ended at Google: stopping it is a courtesy.
  if (old) await stopChannel(caller, old).catch(() => undefined)
  return 'opened'
}

/** Forgets the calendar's channel here (its notifications then meet 404). */
export async function forgetChannel(tx: Queryable, userId: string, calendarId: string): Promise<void> {
  await tx.query(
    `update google_calendar_reads set channel_id = null, channel_token_hash = null, channel_resource_id = null, channel_expires_at = null
     where user_id = $1 and calendar_id = $2`,
    [userId, calendarId],
  )
}
