// The quotes domain's operations: the registry finds this folder and registers what this file exports.
export * from './actions.js'
export * from './answer-actions.js'
export * from './queries.js'
export * from './send-actions.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['interactions', 'invoices', 'messages', 'orders', 'settings']

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['quotes', 'quote_line_items']
