// The waitlist domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { contactHistoryPlug, countOf } from '../contacts/history.js'
import { waitlistMergeTidyPlug } from '../contacts/merge-tidy.js'
import { removeDoubledEntries } from './merge-tidy.js'

export * from './actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'routes', 'services', 'settings'],
  tables: ['waitlist_entries'],
  area: 'Leads and waiting list',
  plugs: [
    // A customer's waitlist entries, at their name or one of their addresses, are history that keeps them from being deleted.
    contactHistoryPlug('waitlist_entries', (tx, id) =>
      countOf(
        tx,
        'select count(*) as n from waitlist_entries where contact_id = $1 or address_id in (select id from addresses where contact_id = $1)',
        id,
      ),
    ),
    // Merging two customers removes the merged one's entries the survivor already has, rather than doubling them.
    waitlistMergeTidyPlug(removeDoubledEntries),
  ],
})
