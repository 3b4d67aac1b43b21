import { GOOGLE_OFF, type GoogleClient } from '../../clients/google.js'
import type { Services } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { integrationOf } from '../../kernel/plug-in.js'
import { GOOGLE_WEBHOOK_PATH } from './calendar-in/channels.js'

/** This server's Google client (services.integrations), or null without the Google app's keys. */
export function googleClientOf(services: Pick<Services, 'integrations'>): GoogleClient | null {
  return integrationOf<GoogleClient>(services, 'google')
}

/** Why Google cannot be connected on this server, or null when it can: no Google app keys, or no key to seal tokens with. */
export function googleOffReason(services: Pick<Services, 'integrations' | 'secrets'>): string | null {
  if (!googleClientOf(services)) return GOOGLE_OFF
  if (!services.secrets)
    return 'Google is off: set CRM_ENCRYPTION_KEY (make one with `openssl rand -base64 32`) so its tokens are stored sealed'
  return null
}

/** The start banner's line: off and why, or on and where. */
export function describeGoogle(services: Pick<Services, 'integrations' | 'secrets' | 'config'>): string {
  const off = googleOffReason(services)
  const client = googleClientOf(services)
  if (off || !client) return off ?? GOOGLE_OFF
  const push = services.config.publicBaseUrl.startsWith('https://')
    ? `calendar changes pushed by Google to ${GOOGLE_WEBHOOK_PATH}`
    : 'calendar changes polled every 30 s (Google pushes only to a public https address)'
  return `${client.describe()}; people connect at /settings/google; ${push}`
}

/** The client and the box, or UNAVAILABLE naming what to set. */
export function requireGoogle(services: Services) {
  const off = googleOffReason(services)
  const client = googleClientOf(services)
  if (off || !client || !services.secrets) throw new AppError('UNAVAILABLE', off ?? GOOGLE_OFF)
  return { client, secrets: services.secrets }
}
