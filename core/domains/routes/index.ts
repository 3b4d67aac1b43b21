// The routes domain: a technician's day in driving order, from the business's home base or their own start. The registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
export * from './actions.js'
export * from './starts.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['geocoding', 'settings', 'users']
export * from './queries.js'

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['route_starts', 'route_stops']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Appointments'
