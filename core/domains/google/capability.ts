import { googleClientFromEnv } from '../../clients/google.js'
import type { Capability } from '../../kernel/plug-in.js'
import { describeGoogle } from './availability.js'
import { googleBriefingLines } from './briefing.js'
import { googleCalendarWebhook } from './calendar-in/webhook.js'
import { googleSyncJob } from './sync-job.js'

/** What Google plugs into the product (core/kernel/plug-in.ts); its pages are the owner's and a technician's Google settings. */
export const googleCapability: Capability = {
  name: 'google',
  client: (config) => googleClientFromEnv(config.environment),
  jobs: [googleSyncJob],
  webhooks: [googleCalendarWebhook],
  banner: (services) => `google: ${describeGoogle(services)}`,
  briefing: googleBriefingLines,
  settingsLink: { path: '/settings/google', label: 'Google' },
  places: [
    {
      title: 'Google',
      path: '/settings/google',
      about: 'Connect Google: your calendar both ways, and for the owner contacts and Gmail',
      words: ['google', 'google calendar', 'gmail', 'google contacts', 'workspace', 'connect', 'sync'],
      roles: ['owner', 'technician'],
    },
  ],
}
