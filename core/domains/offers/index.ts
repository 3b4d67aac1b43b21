// The slot offers domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
export * from './actions.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['contacts', 'leads', 'messages', 'services', 'settings', 'tickets']

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['slot_offers', 'slot_offer_slots']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Appointments'
