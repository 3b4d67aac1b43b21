// The orders domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain, step } from '../../kernel/domain-manifest.js'
import { settleOrderOnClose } from './close-steps.js'
import { applyDepositEvent } from './deposit-events.js'

export * from './actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['invoices', 'services', 'settings', 'tickets'],
  tables: ['orders'],
  steps: [
    // Closing an order's last visit fulfils the order.
    step('ticket.close', 'orders.settle-order', settleOrderOnClose),
  ],
  checkoutPayees: {
    // A Checkout session made for an order's deposit is applied to the order.
    order_id: applyDepositEvent,
  },
})
