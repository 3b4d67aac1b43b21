// The route plans domain: a technician's day put in driving order and timed, by road when a road router is set up, previewed, then applied (moving visits and telling their customers). The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { routePlansCapability } from './capability.js'
export * from './plan-action.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['routes', 'settings', 'tickets', 'users'],
  tables: [],
  area: 'Appointments',
  capability: routePlansCapability,
})
