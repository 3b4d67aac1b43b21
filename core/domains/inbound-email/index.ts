// The inbound email domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { inboundEmailCapability } from './capability.js'
export * from './query.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['interactions', 'settings'],
  tables: ['inbound_emails'],
  capability: inboundEmailCapability,
})
