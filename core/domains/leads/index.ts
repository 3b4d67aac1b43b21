// The leads domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { contactHistoryPlug, countOf } from '../contacts/history.js'

export * from './actions.js'
export * from './queries.js'
export * from './request-queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['addresses', 'contacts', 'documents', 'tickets'],
  tables: ['leads', 'lead_requests', 'request_form_hits', 'request_form_blocked'],
  area: 'Leads and waiting list',
  plugs: [
    // A lead converted to a customer is history that keeps them from being deleted.
    contactHistoryPlug('converted_leads', (tx, id) => countOf(tx, 'select count(*) as n from leads where converted_contact_id = $1', id)),
  ],
})
