import type { Capability } from '../../kernel/plug-in.js'
import { describeInboundEmail } from './availability.js'
import { inboundEmailSettingsFrom } from './settings.js'
import { inboundEmailWebhook } from './webhook.js'

/** What inbound email plugs into the product (core/kernel/plug-in.ts); its page is in console/owner/inbound-email/. */
export const inboundEmailCapability: Capability = {
  name: 'inbound-email',
  client: inboundEmailSettingsFrom,
  webhooks: [inboundEmailWebhook],
  banner: (services) => `inbound email: ${describeInboundEmail(services)}`,
  settingsLink: { path: '/settings/inbound-email', label: 'Inbound email' },
  places: [
    {
      title: 'Inbound email',
      path: '/settings/inbound-email',
      about: "Your business's own email address: mail to it becomes timeline emails and leads",
      words: ['inbound email', 'email address', 'forward', 'receive mail', 'mailbox'],
      roles: ['owner'],
    },
  ],
}
