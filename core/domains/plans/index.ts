// The plans domain: service plans in the catalog and the plans sold to customers. The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { planAcceptancePlug } from '../autopay/setup-events.js'
import { PLAN_ACCEPTANCE } from './acceptance.js'

export * from './catalog-actions.js'
export * from './customer-plan-actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['autopay', 'messages', 'recurring-invoices', 'series', 'services', 'settings'],
  tables: ['plans', 'customer_plans'],
  plugs: [
    // A card saved through a plan's link accepts the plan (the autopay domain's webhook does not import this domain).
    planAcceptancePlug(PLAN_ACCEPTANCE),
  ],
})
