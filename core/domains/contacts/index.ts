// The contacts domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain, step, handle } from '../../kernel/domain-manifest.js'
import { replaceLapsedCustomers } from './lapsed-setting.js'
import { refreshLifecycleOnClose } from './close-steps.js'

export * from './actions.js'
export * from './link-actions.js'
export * from './merge-actions.js'
export * from './queries.js'
export * from './referrals.js'
export * from './tag-actions.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['addresses', 'attributes', 'custom-fields', 'notes', 'settings'],
  tables: ['contacts', 'contact_links', 'contact_external_ids'],
  area: 'Customers',
  steps: [
    // A closed visit places its customer anew.
    step('ticket.close', 'contacts.refresh-lifecycle', refreshLifecycleOnClose),
  ],
  events: [
    // A changed lapsed-after setting places customers again, with the change.
    handle('settings.updated', 'in_transaction', replaceLapsedCustomers),
  ],
})
