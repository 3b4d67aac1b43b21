// The tickets domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
import { countOf, registerContactHistory } from '../contacts/history.js'
import { registerContactVisits } from '../contacts/visit-source.js'
import { TICKET_CONTACT_VISITS } from './contact-visits.js'

// A customer's visits, at their name or one of their addresses, are history that keeps them from being deleted.
registerContactHistory('tickets', (tx, id) =>
  countOf(
    tx,
    'select count(*) as n from tickets where contact_id = $1 or address_id in (select id from addresses where contact_id = $1)',
    id,
  ),
)
// The contacts list sorts, filters and expands by its customers' visits.
registerContactVisits(TICKET_CONTACT_VISITS)

export * from './actions.js'
export * from './availability.js'
export * from './clock-actions.js'
export * from './close.js'
export * from './line-item-actions.js'
export * from './queries.js'
export * from './unbilled.js'
export * from './day-move.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = [
  'addresses',
  'attributes',
  'contacts',
  'custom-fields',
  'messages',
  'notes',
  'routes',
  'services',
  'settings',
  'users',
]

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['tickets', 'ticket_technicians', 'ticket_line_items', 'ticket_external_ids']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Appointments'
