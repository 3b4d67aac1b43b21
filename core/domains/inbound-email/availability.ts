import type { Config } from '../../config.js'
import { AppError } from '../../errors.js'

/** Why inbound email is off on this server, naming what to set, or null when it is on. */
export function inboundEmailOffReason(config: Pick<Config, 'inboundEmailWebhookSecret' | 'inboundEmailDomain'>): string | null {
  const missing = [
    config.inboundEmailWebhookSecret ? null : "INBOUND_EMAIL_WEBHOOK_SECRET (the webhook's signing secret, whsec_...)",
    config.inboundEmailDomain ? null : 'INBOUND_EMAIL_DOMAIN (the domain that receives the mail)',
  ].filter(Boolean)
  return missing.length ? `Inbound email is off: set ${missing.join(' and ')}` : null
}

/** The business's own inbound address, or null while inbound email is off. */
export function inboundAddressOf(
  config: Pick<Config, 'inboundEmailWebhookSecret' | 'inboundEmailDomain'>,
  tenantId: string,
): string | null {
  return inboundEmailOffReason(config) ? null : `${tenantId}@${config.inboundEmailDomain}`
}

/** The start banner's line: off and why, or on and where. */
export function describeInboundEmail(config: Config): string {
  const off = inboundEmailOffReason(config)
  if (off) return off
  const bodies = config.resendApiKey
    ? "bodies read from Resend's Receiving API"
    : "no RESEND_API_KEY: only deliveries that carry the email's text are taken"
  return `each business's address is <business id>@${config.inboundEmailDomain} (on /settings/inbound-email); webhook at /api/webhooks/inbound-email; ${bodies}`
}

/** Refuses with UNAVAILABLE, naming what to set, while inbound email is off. */
export function requireInboundEmail(config: Config): { secret: string; domain: string } {
  const off = inboundEmailOffReason(config)
  if (off || !config.inboundEmailWebhookSecret || !config.inboundEmailDomain)
    throw new AppError('UNAVAILABLE', off ?? 'Inbound email is off')
  return { secret: config.inboundEmailWebhookSecret, domain: config.inboundEmailDomain }
}
