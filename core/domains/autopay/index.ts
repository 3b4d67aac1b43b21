// The autopay domain: cards customers save on Stripe's page, and the autopay that charges them. The registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
import { registerCheckoutPayee } from '../../vocabulary/checkout-payees.js'
import { onEvent } from '../../kernel/events.js'
import { askOwnerToAllowCharge } from './allow-charge.js'
import { applyCardSetup } from './setup-events.js'

export * from './actions.js'
export { allowCharge } from './allow-charge.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['invoices', 'messages', 'settings']

/** What saved cards plug in: core/domains/plugged-in.ts collects it. */
export { autopayCapability as capability } from './capability.js'

// A setup session made for a card link is applied here (the Stripe webhook does not import this domain).
registerCheckoutPayee('card_link_id', applyCardSetup)
// An agent's invoice sent to a customer on autopay asks the owner whether it may be charged.
onEvent('invoice.sent', 'in_transaction', askOwnerToAllowCharge)

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['saved_cards', 'autopay_attempts', 'card_links', 'autopay_notices']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Invoices'
