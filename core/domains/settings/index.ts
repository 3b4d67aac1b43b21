// The settings domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
export * from './actions.js'
export * from './queries.js'
export * from './logo-actions.js'
export * from './backup-status-query.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['documents', 'services']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Your business'
