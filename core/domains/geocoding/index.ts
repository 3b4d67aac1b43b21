// The geocoding domain: where service addresses are on the map. The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { geocodingCapability } from './capability.js'
export * from './pin-actions.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['addresses'],
  tables: [],
  area: 'Customers',
  capability: geocodingCapability,
})
