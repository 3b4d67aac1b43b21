// The contacts domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
import { onEvent } from '../../kernel/events.js'
import { replaceLapsedCustomers } from './lapsed-setting.js'
import { registerStep } from '../../kernel/workflows.js'
import { refreshLifecycleOnClose } from './close-steps.js'

// A changed lapsed-after setting places customers again, with the change.
onEvent('settings.updated', 'in_transaction', replaceLapsedCustomers)
// A closed visit places its customer anew.
registerStep('ticket.close', 'contacts.refresh-lifecycle', refreshLifecycleOnClose)

export * from './actions.js'
export * from './link-actions.js'
export * from './merge-actions.js'
export * from './queries.js'
export * from './referrals.js'
export * from './tag-actions.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['addresses', 'attributes', 'custom-fields', 'notes', 'settings']

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['contacts', 'contact_links', 'contact_external_ids']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Customers'
