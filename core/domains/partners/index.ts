// The partners domain: the organizations that send the business work or do work for it, and the referrals they bring. The registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
export * from './actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'settings'],
  tables: [],
  area: 'Customers',
})
