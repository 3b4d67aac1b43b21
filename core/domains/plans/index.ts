// The plans domain: service plans in the catalog and the plans sold to customers. The registry finds this folder and registers what this file exports.
import { registerAcceptance } from './acceptance.js'

export * from './catalog-actions.js'
export * from './customer-plan-actions.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['autopay', 'messages', 'recurring-invoices', 'series', 'services', 'settings']

// A card saved through a plan's link accepts the plan (the autopay domain's webhook does not import this domain).
registerAcceptance()

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['plans', 'customer_plans']
