// The messages domain's operations: the registry finds this folder and registers what this file exports.
export * from './actions.js'
export * from './outbox-queries.js'
export * from './preview-queries.js'
export * from './queries.js'
export * from './template-actions.js'
export * from './follow-up-actions.js'
