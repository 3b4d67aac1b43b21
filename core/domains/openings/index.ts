// The openings domain: times a cancel, a no-show or a move left free, and the waitlisted customers near them. The registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
export * from './actions.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['contacts', 'routes', 'settings', 'tickets']

/** What openings plugs in: core/domains/plugged-in.ts collects it. */
export { openingsCapability as capability } from './capability.js'

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['schedule_openings']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Leads and waiting list'
