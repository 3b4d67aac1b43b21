import { z } from 'zod'
import { auditTrailExpansion, timestamp } from '../../kernel/output-types.js'

/** An agent token as lists show it: never its secret; an app connected by OAuth names its client. */
export const TOKEN_COLUMNS = `t.id, t.name, 'crm_' || t.prefix as prefix, t.created_at, t.last_used_at, t.revoked_at,
  (select c.client_id from oauth_codes c where c.agent_token_id = t.id limit 1) as oauth_client_id`

/** An agent token as answers give it (TOKEN_COLUMNS). */
export const TOKEN_RECORD = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  created_at: timestamp,
  last_used_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
  oauth_client_id: z.string().nullable(),
  audit_trail: auditTrailExpansion,
})
