// The timesheets domain: the technicians' clocked time by day and week, for payroll. The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
import { timesheetsCapability } from './capability.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['settings', 'users'],
  tables: [],
  capability: timesheetsCapability,
})
