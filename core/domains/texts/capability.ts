import type { Capability } from '../../kernel/plug-in.js'
import type { Services } from '../../kernel/context.js'
import { textsBriefingLine } from './briefing.js'
import { textChannel } from './channel.js'
import { textSettingsFrom, textSettingsOf, textsOffReason } from './settings.js'
import { inboundTextWebhook, textStatusWebhook } from './webhook.js'

/** What texts plug into the product (core/kernel/plug-in.ts): Twilio's client settings, the text channel, its webhooks and lines. */
export const textsCapability: Capability = {
  name: 'texts',
  client: textSettingsFrom,
  channel: textChannel,
  webhooks: [inboundTextWebhook, textStatusWebhook],
  banner: (services) => `texts: ${describeTexts(services)}`,
  briefing: textsBriefingLine,
  settingsLink: { path: '/settings/texts', label: 'Texts' },
  places: [
    {
      title: 'Texts',
      path: '/settings/texts',
      about: 'Your texting number, the daily limit, and texts and segments by month',
      words: ['texts', 'sms', 'text messages', 'twilio', 'texting number', 'segments'],
      roles: ['owner'],
    },
  ],
}

/** The banner's words: where texts go, or that they are off and what to set. */
export function describeTexts(services: Pick<Services, 'integrations'>): string {
  const settings = textSettingsOf(services)
  const off = textsOffReason(settings)
  return off ? `off (${off})` : `through Twilio at ${settings.baseUrl}, account ${settings.accountSid}`
}
