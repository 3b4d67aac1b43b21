// The Google domain's operations: the registry finds this folder and registers what this file exports.
export * from './actions.js'
export * from './connection-query.js'
export * from './calendar-in/answer-actions.js'
export * from './calendar-in/requests-query.js'
export * from './calendar-choice.js'
