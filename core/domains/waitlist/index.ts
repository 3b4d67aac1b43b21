// The waitlist domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
import { countOf, registerContactHistory } from '../contacts/history.js'
import { registerWaitlistMergeTidy } from '../contacts/merge-tidy.js'
import { removeDoubledEntries } from './merge-tidy.js'

// A customer's waitlist entries, at their name or one of their addresses, are history that keeps them from being deleted.
registerContactHistory('waitlist_entries', (tx, id) =>
  countOf(
    tx,
    'select count(*) as n from waitlist_entries where contact_id = $1 or address_id in (select id from addresses where contact_id = $1)',
    id,
  ),
)
// Merging two customers removes the merged one's entries the survivor already has, rather than doubling them.
registerWaitlistMergeTidy(removeDoubledEntries)

export * from './actions.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['contacts', 'routes', 'services', 'settings']

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['waitlist_entries']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Leads and waiting list'
