// The privacy domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
export * from './erase.js'
export * from './export.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'invoices', 'personal-data', 'tickets'],
  tables: ['erasures'],
  area: 'Customers',
})
