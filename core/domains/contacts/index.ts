// The contacts domain's operations: the registry finds this folder and registers what this file exports.
export * from './actions.js'
export * from './link-actions.js'
export * from './merge-actions.js'
export * from './overview.js'
export * from './queries.js'
export * from './referrals.js'
export * from './tag-actions.js'
export * from './review-actions.js'
