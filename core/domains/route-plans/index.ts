// The route plans domain: a technician's day put in driving order and timed, by road when a road router is set up, previewed, then applied (moving visits and telling their customers). The registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
export * from './plan-action.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['routes', 'settings', 'tickets', 'users']

/** What road routing plugs in (the road router route.plan measures a day with): core/domains/plugged-in.ts collects it. */
export { routePlansCapability as capability } from './capability.js'

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Appointments'
