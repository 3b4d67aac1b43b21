// The reach-outs domain: rules that find customers due for an email each day, and their batches. The registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
export * from './actions.js'
export * from './batch-actions.js'
export * from './opt-out.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['contacts', 'messages', 'neighborhoods', 'services', 'settings']

/** What reach-outs plug in: core/domains/plugged-in.ts collects it. */
export { reachOutsCapability as capability } from './capability.js'

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['reach_out_rules', 'reach_out_batches', 'reach_out_recipients', 'reach_out_stop_links']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Emails to customers'
