import { integrationOf } from '../../kernel/plug-in.js'
import type { Config } from '../../kernel/config.js'
import type { Services } from '../../kernel/context.js'

/** Inbound email's settings, read from the environment core/kernel/config.ts took. */
export interface InboundEmailSettings {
  /** The signing secret ("whsec_...") of the inbound email webhook (INBOUND_EMAIL_WEBHOOK_SECRET); without one the webhook is off. */
  webhookSecret?: string
  /** The receiving domain (INBOUND_EMAIL_DOMAIN): each business's inbound address is <business id>@ this domain. */
  domain?: string
}

/** The settings from INBOUND_EMAIL_WEBHOOK_SECRET and INBOUND_EMAIL_DOMAIN (lower case, a leading @ dropped). */
export function inboundEmailSettingsFrom(config: Pick<Config, 'environment'>): InboundEmailSettings {
  const env = config.environment
  return {
    webhookSecret: env.INBOUND_EMAIL_WEBHOOK_SECRET || undefined,
    domain: env.INBOUND_EMAIL_DOMAIN?.trim().toLowerCase().replace(/^@/, '') || undefined,
  }
}

/** This server's inbound email settings (services.integrations); empty, so off, when none were made. */
export function inboundEmailSettingsOf(services: Pick<Services, 'integrations'>): InboundEmailSettings {
  return integrationOf<InboundEmailSettings>(services, 'inbound-email') ?? {}
}
