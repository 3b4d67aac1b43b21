// The neighborhoods domain: addresses grouped into hexagons by their points, and each one's year against the last. The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['settings'],
  tables: [],
})
