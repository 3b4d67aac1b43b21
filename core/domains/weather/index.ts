// The weather domain: tomorrow's forecast at the home base, and the visits rain would touch. The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { weatherCapability } from './capability.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['routes', 'settings'],
  tables: [],
  capability: weatherCapability,
})
