// The orders domain's operations: the registry finds this folder and registers what this file exports.
import { registerStep } from '../../kernel/workflows.js'
import { settleOrderOnClose } from './close-steps.js'
import { registerCheckoutPayee } from '../../vocabulary/checkout-payees.js'
import { applyDepositEvent } from './deposit-events.js'

// Closing an order's last visit fulfils the order.
registerStep('ticket.close', 'orders.settle-order', settleOrderOnClose)
// A Checkout session made for an order's deposit is applied to the order.
registerCheckoutPayee('order_id', applyDepositEvent)

export * from './actions.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['invoices', 'services', 'settings', 'tickets']

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['orders']
