// The recurring-invoices domain: invoices that issue themselves every month, quarter or year, without visits (a contract's, or a
import { defineDomain } from '../../kernel/domain-manifest.js'
import { recurringInvoicesCapability } from './capability.js'
// service plan's). The registry finds this folder and registers what this file exports.
export * from './actions.js'
export * from './queries.js'
export { issueDueRecurringInvoices } from './issue.js'
export { setPlanBilling, setPlanBillingStatus, type PlanBillingLine } from './plan-billing.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'invoices', 'services', 'settings'],
  tables: ['recurring_invoices'],
  area: 'Invoices',
  capability: recurringInvoicesCapability,
})
