// The leads domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
import { countOf, registerContactHistory } from '../contacts/history.js'

// A lead converted to a customer is history that keeps them from being deleted.
registerContactHistory('converted_leads', (tx, id) => countOf(tx, 'select count(*) as n from leads where converted_contact_id = $1', id))

export * from './actions.js'
export * from './queries.js'
export * from './request-queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['addresses', 'contacts', 'documents', 'tickets']

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['leads', 'lead_requests', 'request_form_hits', 'request_form_blocked']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Leads and waiting list'
