// The reach-outs domain: rules that find customers due for an email each day, and their batches. The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { reachOutsCapability } from './capability.js'
export * from './actions.js'
export * from './batch-actions.js'
export * from './opt-out.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'messages', 'neighborhoods', 'services', 'settings'],
  tables: ['reach_out_rules', 'reach_out_batches', 'reach_out_recipients', 'reach_out_stop_links'],
  area: 'Emails to customers',
  capability: reachOutsCapability,
})
