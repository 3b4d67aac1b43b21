// The timesheets domain: the technicians' clocked time by day and week, for payroll. The registry finds this folder and registers what this file exports.
export * from './queries.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['settings', 'users']

/** What timesheets plug in: core/domains/plugged-in.ts collects it. */
export { timesheetsCapability as capability } from './capability.js'
