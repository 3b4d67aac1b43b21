import type { Config } from '../../kernel/config.js'
import type { Services } from '../../kernel/context.js'
import { integrationOf } from '../../kernel/plug-in.js'

/** Twilio's API, where texts go when TWILIO_BASE_URL does not say otherwise. */
export const TWILIO_API = 'https://api.twilio.com'

/** The server's Twilio account, read from the environment core/kernel/config.ts took; texts are off without its keys. */
export interface TextSettings {
  /** The account's SID (TWILIO_ACCOUNT_SID, "AC..."): the account texts are sent from. */
  accountSid?: string
  /** The account's auth token (TWILIO_AUTH_TOKEN): the password of its API calls, and the key of every webhook's signature. */
  authToken?: string
  /** Where Twilio's API is (TWILIO_BASE_URL): Twilio's own, or a server that speaks its wire format. */
  baseUrl: string
  /** The server's public address, which Twilio signs its webhooks' URLs with. */
  publicBaseUrl: string
}

/** The settings from TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_BASE_URL. */
export function textSettingsFrom(config: Pick<Config, 'environment' | 'publicBaseUrl'>): TextSettings {
  const env = config.environment
  return {
    accountSid: env.TWILIO_ACCOUNT_SID?.trim() || undefined,
    authToken: env.TWILIO_AUTH_TOKEN?.trim() || undefined,
    baseUrl: (env.TWILIO_BASE_URL?.trim() || TWILIO_API).replace(/\/$/, ''),
    publicBaseUrl: config.publicBaseUrl,
  }
}

/** This server's text settings (services.integrations); with no keys, so off, when none were made. */
export function textSettingsOf(services: Pick<Services, 'integrations'>): TextSettings {
  return integrationOf<TextSettings>(services, 'texts') ?? { baseUrl: TWILIO_API, publicBaseUrl: '' }
}

/** Why texts are off on this server, naming what to set; null when they are on. */
export function textsOffReason(settings: TextSettings): string | null {
  if (!settings.accountSid && !settings.authToken)
    return 'set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (your Twilio account) to text customers'
  if (!settings.accountSid) return 'set TWILIO_ACCOUNT_SID as well as TWILIO_AUTH_TOKEN'
  if (!settings.authToken) return 'set TWILIO_AUTH_TOKEN as well as TWILIO_ACCOUNT_SID'
  return null
}
