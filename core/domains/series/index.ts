// The series domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain, step } from '../../kernel/domain-manifest.js'
import { bookNextVisit, checkKeptSeries } from './close-steps.js'

export * from './actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['messages', 'services', 'settings', 'tickets', 'users'],
  tables: ['series'],
  steps: [
    // Closing a visit keeps its series going or books the next visit.
    step('ticket.close', 'series.check-kept-series', checkKeptSeries),
    step('ticket.close', 'series.book-next-visit', bookNextVisit),
  ],
})
