// The routes domain: a technician's day in driving order, from the business's home base or their own start. The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
export * from './actions.js'
export * from './starts.js'

export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['geocoding', 'settings', 'users'],
  tables: ['route_starts', 'route_stops'],
  area: 'Appointments',
})
