// The geocoding domain: where service addresses are on the map. The registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
export * from './pin-actions.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['addresses']

/** What geocoding plugs in: core/domains/plugged-in.ts collects it. */
export { geocodingCapability as capability } from './capability.js'

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Customers'
