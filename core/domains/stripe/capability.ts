import { describePayments, paymentsClientFromEnv, paymentsOf } from '../../clients/payments.js'
import type { Capability } from '../../kernel/plug-in.js'
import { stripeBriefingLine } from './briefing.js'
import { stripeWebhook } from './webhook.js'

/** What Stripe plugs into the product (core/kernel/plug-in.ts): online payments; the domains that take money read its client through paymentsOf. */
export const stripeCapability: Capability = {
  name: 'stripe',
  client: (config) => paymentsClientFromEnv(config.environment),
  webhooks: [stripeWebhook],
  banner: (services) => `payments: ${describePayments(paymentsOf(services))}`,
  briefing: stripeBriefingLine,
}
