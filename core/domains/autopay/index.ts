// The autopay domain: cards customers save on Stripe's page, and the autopay that charges them. The registry finds this folder and registers what this file exports.
import { defineDomain, handle } from '../../kernel/domain-manifest.js'
import { autopayCapability } from './capability.js'
import { askOwnerToAllowCharge } from './allow-charge.js'
import { applyCardSetup } from './setup-events.js'

export * from './actions.js'
export { allowCharge } from './allow-charge.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['invoices', 'messages', 'settings'],
  tables: ['saved_cards', 'autopay_attempts', 'card_links', 'autopay_notices'],
  area: 'Invoices',
  capability: autopayCapability,
  events: [
    // An agent's invoice sent to a customer on autopay asks the owner whether it may be charged.
    handle('invoice.sent', 'in_transaction', askOwnerToAllowCharge),
  ],
  checkoutPayees: {
    // A setup session made for a card link is applied here (the Stripe webhook does not import this domain).
    card_link_id: applyCardSetup,
  },
})
