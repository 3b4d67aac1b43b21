// The weather domain: tomorrow's forecast at the home base, and the visits rain would touch. The registry finds this folder and registers what this file exports.
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['routes', 'settings']

/** What the weather plugs in: core/domains/plugged-in.ts collects it. */
export { weatherCapability as capability } from './capability.js'
