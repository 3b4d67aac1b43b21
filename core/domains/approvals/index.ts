// The approvals domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain } from '../../kernel/domain-manifest.js'
export * from './actions.js'
export * from './queries.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['messages', 'settings'],
  tables: ['authorization_requests', 'permission_overrides', 'standing_rules', 'approval_links'],
})
