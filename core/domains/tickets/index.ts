// The tickets domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { contactHistoryPlug, countOf } from '../contacts/history.js'
import { contactVisitsPlug } from '../contacts/visit-source.js'
import { CLOSE_STEPS, TICKET_CLOSE_STEPS } from './close-workflow.js'
import { TICKET_CONTACT_VISITS } from './contact-visits.js'

export * from './actions.js'
export * from './availability.js'
export * from './clock-actions.js'
export * from './close.js'
export * from './line-item-actions.js'
export * from './queries.js'
export * from './unbilled.js'
export * from './day-move.js'
export * from './on-my-way.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['addresses', 'attributes', 'contacts', 'custom-fields', 'messages', 'notes', 'routes', 'services', 'settings', 'users'],
  tables: ['tickets', 'ticket_technicians', 'ticket_line_items', 'ticket_external_ids'],
  area: 'Appointments',
  workflows: { 'ticket.close': CLOSE_STEPS },
  steps: TICKET_CLOSE_STEPS,
  plugs: [
    // A customer's visits, at their name or one of their addresses, are history that keeps them from being deleted.
    contactHistoryPlug('tickets', (tx, id) =>
      countOf(
        tx,
        'select count(*) as n from tickets where contact_id = $1 or address_id in (select id from addresses where contact_id = $1)',
        id,
      ),
    ),
    // The contacts list sorts, filters and expands by its customers' visits.
    contactVisitsPlug(TICKET_CONTACT_VISITS),
  ],
})
