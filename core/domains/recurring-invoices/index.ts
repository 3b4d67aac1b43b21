// The recurring-invoices domain: invoices that issue themselves every month, quarter or year, without visits (a contract's, or a
import type { Area } from '../../text/action-words.js'
// service plan's). The registry finds this folder and registers what this file exports.
export * from './actions.js'
export * from './queries.js'
export { issueDueRecurringInvoices } from './issue.js'
export { setPlanBilling, setPlanBillingStatus, type PlanBillingLine } from './plan-billing.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['contacts', 'invoices', 'services', 'settings']

/** What recurring invoices plug in: core/domains/plugged-in.ts collects it. */
export { recurringInvoicesCapability as capability } from './capability.js'

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['recurring_invoices']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Invoices'
