import type { Services } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { type InboundEmailSettings, inboundEmailSettingsOf } from './settings.js'

/** Why inbound email is off on this server, naming what to set, or null when it is on. */
export function inboundEmailOffReason(settings: InboundEmailSettings): string | null {
  const missing = [
    settings.webhookSecret ? null : "INBOUND_EMAIL_WEBHOOK_SECRET (the webhook's signing secret, whsec_...)",
    settings.domain ? null : 'INBOUND_EMAIL_DOMAIN (the domain that receives the mail)',
  ].filter(Boolean)
  return missing.length ? `Inbound email is off: set ${missing.join(' and ')}` : null
}

/** The business's own inbound address, or null while inbound email is off. */
export function inboundAddressOf(settings: InboundEmailSettings, tenantId: string): string | null {
  return inboundEmailOffReason(settings) ? null : `${tenantId}@${settings.domain}`
}

/** The start banner's line: off and why, or on and where. */
export function describeInboundEmail(services: Pick<Services, 'integrations' | 'config'>): string {
  const settings = inboundEmailSettingsOf(services)
  const off = inboundEmailOffReason(settings)
  if (off) return off
  const bodies = services.config.resendApiKey
    ? "bodies read from Resend's Receiving API"
    : "no RESEND_API_KEY: only deliveries that carry the email's text are taken"
  return `each business's address is <business id>@${settings.domain} (on /settings/inbound-email); webhook at /api/webhooks/inbound-email; ${bodies}`
}

/** Refuses with UNAVAILABLE, naming what to set, while inbound email is off. */
export function requireInboundEmail(settings: InboundEmailSettings): { secret: string; domain: string } {
  const off = inboundEmailOffReason(settings)
  if (off || !settings.webhookSecret || !settings.domain) throw new AppError('UNAVAILABLE', off ?? 'Inbound email is off')
  return { secret: settings.webhookSecret, domain: settings.domain }
}
