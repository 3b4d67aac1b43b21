// The invoices domain's operations: the registry finds this folder and registers what this file exports.
export * from './actions.js'
export * from './payment-queries.js'
export * from './queries.js'
export * from './receivables.js'
export * from './remind-action.js'
export * from './send-actions.js'
export * from './unapplied-payments.js'
