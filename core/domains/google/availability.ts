import { GOOGLE_OFF } from '../../clients/google.js'
import type { Services } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { GOOGLE_WEBHOOK_PATH } from './calendar-in/channels.js'

/** Why Google cannot be connected on this server, or null when it can: no Google app keys, or no key to seal tokens with. */
export function googleOffReason(services: Pick<Services, 'google' | 'secrets'>): string | null {
  if (!services.google) return GOOGLE_OFF
  if (!services.secrets)
    return 'Google is off: set CRM_ENCRYPTION_KEY (make one with `openssl rand -base64 32`) so its tokens are stored sealed'
  return null
}

/** The start banner's line: off and why, or on and where. */
export function describeGoogle(services: Pick<Services, 'google' | 'secrets' | 'config'>): string {
  const off = googleOffReason(services)
  if (off || !services.google) return off ?? GOOGLE_OFF
  const push = services.config.publicBaseUrl.startsWith('https://')
    ? `calendar changes pushed by Google to ${GOOGLE_WEBHOOK_PATH}`
    : 'calendar changes polled every 30 s (Google pushes only to a public https address)'
  return `${services.google.describe()}; people connect at /settings/google; ${push}`
}

/** The client and the box, or UNAVAILABLE naming what to set. */
export function requireGoogle(services: Services) {
  const off = googleOffReason(services)
  if (off || !services.google || !services.secrets) throw new AppError('UNAVAILABLE', off ?? GOOGLE_OFF)
  return { client: services.google, secrets: services.secrets }
}
