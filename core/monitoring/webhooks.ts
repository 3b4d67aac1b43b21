import { googleConfigFromEnv } from '../clients/google.js'
import { quickbooksConfigFromEnv } from '../clients/quickbooks.js'
import type { Config } from '../config.js'
import { GOOGLE_WEBHOOK_PATH } from '../domains/google/calendar-in/channels.js'

/** One provider's webhook as this configuration has it: whether the integration is on, where it posts, and its secret. */
export interface WebhookSetup {
  /** A short name, also the doctor's item (webhook_<name>). */
  name: 'stripe' | 'resend' | 'inbound_email' | 'quickbooks' | 'google'
  /** How an owner names it. */
  label: string
  /** Whether the integration is configured at all; an integration that is off has no webhook to check. */
  on: boolean
  path: string
  /** The variable holding the webhook's signing secret; null when the provider signs each delivery otherwise (Google's channel tokens). */
  secretVariable: string | null
  secretSet: boolean
  /** What goes missing while the secret is unset, and whether that breaks the integration (fail) or only slows it (warn). */
  withoutSecret: { status: 'fail' | 'warn'; effect: string }
}

/** Every provider webhook the product serves, with what this configuration sets for each. */
export function webhookSetups(config: Config, env: Readonly<NodeJS.ProcessEnv> = config.environment): WebhookSetup[] {
  return [
    {
      name: 'stripe',
      label: 'Stripe',
      on: Boolean(env.STRIPE_SECRET_KEY),
      path: '/api/webhooks/stripe',
      secretVariable: 'STRIPE_WEBHOOK_SECRET',
      secretSet: Boolean(env.STRIPE_WEBHOOK_SECRET),
      withoutSecret: { status: 'fail', effect: 'customers can pay, but their payments are not recorded' },
    },
    {
      name: 'resend',
      label: 'Resend events',
      on: Boolean(config.resendApiKey),
      path: '/api/webhooks/resend',
      secretVariable: 'RESEND_WEBHOOK_SECRET',
      secretSet: Boolean(config.resendWebhookSecret),
      withoutSecret: { status: 'warn', effect: 'bounces and complaints are not recorded, so bad addresses keep being mailed' },
    },
    {
      name: 'inbound_email',
      label: 'Inbound email',
      on: Boolean(config.inboundEmailDomain),
      path: '/api/webhooks/inbound-email',
      secretVariable: 'INBOUND_EMAIL_WEBHOOK_SECRET',
      secretSet: Boolean(config.inboundEmailWebhookSecret),
      withoutSecret: { status: 'fail', effect: "inbound email is off: customers' emails to the business are not received" },
    },
    {
      name: 'quickbooks',
      label: 'QuickBooks',
      on: quickbooksConfigFromEnv(env) !== null,
      path: '/api/webhooks/quickbooks',
      secretVariable: 'QUICKBOOKS_WEBHOOK_VERIFIER',
      secretSet: Boolean(env.QUICKBOOKS_WEBHOOK_VERIFIER?.trim()),
      withoutSecret: { status: 'warn', effect: 'changes made in QuickBooks are read only at each regular sync (every 5 minutes)' },
    },
    {
      name: 'google',
      label: 'Google calendar push',
      on: googleConfigFromEnv(env) !== null,
      path: GOOGLE_WEBHOOK_PATH,
      secretVariable: null,
      secretSet: true,
      withoutSecret: { status: 'warn', effect: '' },
    },
  ]
}
