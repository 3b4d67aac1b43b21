// The slot offers domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
export * from './actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'leads', 'messages', 'services', 'settings', 'tickets'],
  tables: ['slot_offers', 'slot_offer_slots', 'slot_offer_links'],
  area: 'Appointments',
})
