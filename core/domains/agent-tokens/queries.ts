import { z } from 'zod'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { TOKEN_COLUMNS, TOKEN_RECORD } from './model.js'

/** The business's agent tokens, including apps connected by OAuth, without their secrets. */
export const agentTokensQuery = defineQuery({
  type: 'agent_tokens',
  description:
    'Agent tokens, newest first: those made by the operator (crm token create) or an owner (agent_token.create), and apps the owner connected by OAuth ' +
    '(oauth_client_id set). Each: id, name, prefix, created_at, last_used_at, revoked_at (null while it works), oauth_client_id. ' +
    'Filters: status (active|revoked).',
  entity: 'agent_token',
  phrases: ['connected apps', 'oauth', 'api token', 'connections'],
  // Reading holds no secret (the prefix is a handle, not a credential); revoking is for people only.
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(['active', 'revoked']).optional(),
  }),
  record: TOKEN_RECORD,
  async run(ctx, req) {
    const args: unknown[] = [req.id ?? null, req.params.status ?? null]
    return listPage(ctx.db, req, newestFirst('t'), args, {
      columns: TOKEN_COLUMNS,
      from: 'agent_tokens t',
      where: `($1::uuid is null or t.id = $1) and ($2::text is null or ($2 = 'active') = (t.revoked_at is null))`,
    })
  },
})
