// The neighborhoods domain: addresses grouped into hexagons by their points, and each one's year against the last. The registry finds this folder and registers what this file exports.
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['settings']
