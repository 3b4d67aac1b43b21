// The privacy domain's operations: the registry finds this folder and registers what this file exports.
export * from './erase.js'
export * from './export.js'
