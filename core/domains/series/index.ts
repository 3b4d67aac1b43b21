// The series domain's operations: the registry finds this folder and registers what this file exports.
import { registerStep } from '../../kernel/workflows.js'
import { bookNextVisit, checkKeptSeries } from './close-steps.js'

// Closing a visit keeps its series going or books the next visit.
registerStep('ticket.close', 'series.check-kept-series', checkKeptSeries)
registerStep('ticket.close', 'series.book-next-visit', bookNextVisit)

export * from './actions.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['messages', 'services', 'settings', 'tickets', 'users']

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['series']
