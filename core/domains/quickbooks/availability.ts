import { integrationOf } from '../../kernel/plug-in.js'
import { QUICKBOOKS_OFF, type QuickBooksClient } from './client/quickbooks.js'
import type { Services } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'

/** This server's QuickBooks client (services.integrations), or null without the Intuit app's keys. */
export function quickbooksClientOf(services: Pick<Services, 'integrations'>): QuickBooksClient | null {
  return integrationOf<QuickBooksClient>(services, 'quickbooks')
}

/** Why a company cannot be connected on this server, or null when it can: no Intuit app keys, or no key to seal tokens with. */
export function quickbooksOffReason(services: Pick<Services, 'integrations' | 'secrets'>): string | null {
  if (!quickbooksClientOf(services)) return QUICKBOOKS_OFF
  if (!services.secrets) {
    return 'QuickBooks is off: set CRM_ENCRYPTION_KEY (make one with `openssl rand -base64 32`) so its tokens are stored sealed'
  }
  return null
}

/** The start banner's line: off and why, or on and where. */
export function describeQuickBooks(services: Pick<Services, 'integrations' | 'secrets'>): string {
  const off = quickbooksOffReason(services)
  const client = quickbooksClientOf(services)
  if (off || !client) return off ?? QUICKBOOKS_OFF
  const webhooks = client.config.webhookVerifier
    ? 'webhooks verified at /api/webhooks/quickbooks'
    : 'webhooks off (no QUICKBOOKS_WEBHOOK_VERIFIER): changes are read at each sync'
  return `${client.describe()}; owners connect at /settings/quickbooks; ${webhooks}`
}

/** The client and the box, or UNAVAILABLE naming what to set. */
export function requireQuickBooks(services: Services) {
  const off = quickbooksOffReason(services)
  const client = quickbooksClientOf(services)
  if (off || !client || !services.secrets) throw new AppError('UNAVAILABLE', off ?? QUICKBOOKS_OFF)
  return { client, secrets: services.secrets }
}
