// The QuickBooks domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
export * from './actions.js'
export * from './connection-query.js'
export * from './import-actions.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['imports', 'invoices', 'settings']

/** What QuickBooks plugs in beside its operations: core/domains/plugged-in.ts collects it. */
export { quickbooksCapability as capability } from './capability.js'

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['quickbooks_connections', 'quickbooks_connect_states', 'quickbooks_records']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Your business'
