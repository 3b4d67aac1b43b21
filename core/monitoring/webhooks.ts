import type { Config } from '../kernel/config.js'
import { CAPABILITIES } from '../domains/plugged-in.js'

/** One provider's webhook as this configuration has it: whether the integration is on, where it posts, and its secret. */
export interface WebhookSetup {
  /** A short name, also the doctor's item (webhook_<name>). */
  name: string
  /** How an owner names it. */
  label: string
  /** Whether the integration is configured at all; an integration that is off has no webhook to check. */
  on: boolean
  path: string
  /** The variable holding the webhook's signing secret; null when the provider signs each delivery otherwise (a token per channel). */
  secretVariable: string | null
  secretSet: boolean
  /** What goes missing while the secret is unset, and whether that breaks the integration (fail) or only slows it (warn). */
  withoutSecret: { status: 'fail' | 'warn'; effect: string }
  /** Where the provider's side is set up, for the doctor's fix. */
  setUpAt: string
}

/** Every provider webhook the product serves (the capabilities' among them), with what this configuration sets for each. */
export function webhookSetups(config: Config, env: Readonly<NodeJS.ProcessEnv> = config.environment): WebhookSetup[] {
  const capabilities = CAPABILITIES.flatMap((c) => c.webhooks ?? []).map(
    ({ name, label, path, secretVariable, withoutSecret, setUpAt, setup }): WebhookSetup => ({
      name,
      label,
      ...setup({ ...config, environment: env }),
      path,
      secretVariable,
      withoutSecret,
      setUpAt,
    }),
  )
  return [
    {
      name: 'resend',
      label: 'Resend events',
      on: Boolean(config.resendApiKey),
      path: '/api/webhooks/resend',
      secretVariable: 'RESEND_WEBHOOK_SECRET',
      secretSet: Boolean(config.resendWebhookSecret),
      withoutSecret: { status: 'warn', effect: 'bounces and complaints are not recorded, so bad addresses keep being mailed' },
      setUpAt: "Resend's dashboard, Webhooks (events email.bounced, email.complained, email.failed)",
    },
    ...capabilities,
  ]
}
