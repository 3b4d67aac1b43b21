import { z } from 'zod'
import { createAgentToken } from '../../auth/agent-tokens.js'
import { notFound } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { personIdOf } from '../../kernel/context.js'
import { TOKEN_COLUMNS, TOKEN_RECORD } from './model.js'
import { page } from '../../vocabulary/places.js'

/** Makes a named agent token; its secret is in this one answer only (a hash is kept), never in the audit or a replay. */
export const createAgentTokenAction = defineAction({
  key: 'agent_token.create',
  title: 'Make an agent token',
  place: page('/review/connections', 'Make a token, then copy it: it is shown once'),
  description:
    'Make an agent token (owner only): a named credential an agent sends as "Authorization: Bearer <token>" to act ' +
    'for the business. The token is returned ONCE, in token: only a hash is kept, so a lost token is revoked and made again.',
  // A token is power over the business: only a person makes one, and its secret must never reach an agent's answer.
  access: { agent: 'never', technician: 'none' },
  secretFields: ['token'],
  phrases: ['api token', 'api key', 'connect agent', 'new token'],
  input: z.strictObject({
    name: z.string().trim().min(1).max(200).describe('What the token is for, e.g. "office manager on the laptop"'),
  }),
  output: TOKEN_RECORD.extend({ token: z.string().nullable(), secrets_shown_once: z.string().optional() }),
  async run(ctx, input) {
    const created = await createAgentToken(ctx.db, ctx.tenantId, input.name, personIdOf(ctx.actor))
    const record = (await ctx.db.query(`select ${TOKEN_COLUMNS} from agent_tokens t where t.id = $1`, [created.id])).rows[0]
    await ctx.audit({ entityType: 'agent_token', entityId: created.id, action: 'create', before: null, after: record })
    return { ...record, token: created.token }
  },
})

/** Revokes an agent token: the agent, or the app connected by OAuth, is shut out at once. */
export const revokeAgentTokenAction = defineAction({
  key: 'agent_token.revoke',
  title: 'Disconnect an app',
  place: page('/review/connections', 'pick the app, then Disconnect'),
  description:
    'Revoke an agent token (agent_token_id from agent_tokens): it stops working at once and for good; for an app ' +
    'connected by OAuth its access and refresh tokens stop too. Revoking one already revoked changes nothing.',
  // Tokens are power over the business: which ones work is decided by people.
  access: { agent: 'never', technician: 'none' },
  idempotent: true,
  destructive: true,
  phrases: ['disconnect app', 'oauth', 'api token'],
  input: z.strictObject({
    agent_token_id: z.uuid(),
  }),
  output: TOKEN_RECORD,
  async run(ctx, input) {
    const before = (await ctx.db.query(`select ${TOKEN_COLUMNS} from agent_tokens t where t.id = $1 for update`, [input.agent_token_id]))
      .rows[0]
    if (!before) throw notFound('agent token', input.agent_token_id)
    if (before.revoked_at) return before
    const after = (
      await ctx.db.query(`update agent_tokens t set revoked_at = now() where t.id = $1 returning ${TOKEN_COLUMNS}`, [input.agent_token_id])
    ).rows[0]
    await ctx.audit({
      entityType: 'agent_token',
      entityId: input.agent_token_id,
      action: 'revoke',
      before: { revoked_at: null },
      after: { revoked_at: after.revoked_at },
    })
    return after
  },
})
