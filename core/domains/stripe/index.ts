// The Stripe domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { stripeCapability } from './capability.js'

export * from './unapplied-payments.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['invoices', 'settings'],
  tables: [],
  area: 'Invoices',
  capability: stripeCapability,
})
