// The partners domain: the organizations that send the business work or do work for it, and the referrals they bring. The registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
export * from './actions.js'
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['contacts', 'settings']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Customers'
