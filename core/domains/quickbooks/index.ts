// The QuickBooks domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { quickbooksCapability } from './capability.js'
export * from './actions.js'
export * from './connection-query.js'
export * from './import-actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['imports', 'invoices', 'settings'],
  tables: ['quickbooks_connections', 'quickbooks_connect_states', 'quickbooks_records'],
  area: 'Your business',
  capability: quickbooksCapability,
})
