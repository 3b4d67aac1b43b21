// The inbound email domain's operations: the registry finds this folder and registers what this file exports.
export * from './query.js'
