// The openings domain: times a cancel, a no-show or a move left free, and the waitlisted customers near them. The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { openingsCapability } from './capability.js'
export * from './actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'routes', 'settings', 'tickets'],
  tables: ['schedule_openings'],
  area: 'Leads and waiting list',
  capability: openingsCapability,
})
