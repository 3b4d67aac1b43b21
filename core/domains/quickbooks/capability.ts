import type { Capability } from '../../kernel/plug-in.js'
import { quickbooksClientFromEnv } from './client/quickbooks.js'
import { describeQuickBooks } from './availability.js'
import { quickbooksBriefingLine } from './briefing.js'
import { syncQuickBooks } from './sync-job.js'
import { quickbooksWebhook } from './webhook.js'

/** What QuickBooks plugs into the product (core/kernel/plug-in.ts); its pages and Home card are in console/owner/quickbooks/. */
export const quickbooksCapability: Capability = {
  name: 'quickbooks',
  client: (config) => quickbooksClientFromEnv(config.environment),
  // One sync per process at a time, beside the other jobs: a first sync may take minutes at QuickBooks' rate limit and
  // must not hold up due emails. Its failures are kept on each connection for the owner.
  jobs: [{ name: 'quickbooks', failure: 'syncing QuickBooks failed', pass: syncQuickBooks }],
  webhooks: [quickbooksWebhook],
  banner: (services) => `quickbooks: ${describeQuickBooks(services)}`,
  briefing: quickbooksBriefingLine,
  settingsLink: { path: '/settings/quickbooks', label: 'QuickBooks' },
  places: [
    {
      title: 'QuickBooks',
      path: '/settings/quickbooks',
      about: 'Connect QuickBooks Online, see what synced and what QuickBooks refused',
      words: ['quickbooks', 'accounting', 'books', 'bookkeeper', 'intuit', 'sync'],
      roles: ['owner'],
    },
  ],
}
