import { z } from 'zod'
import { AppError } from '../core/errors.js'
import { defineAction } from '../core/registry.js'
import { DENIAL_REASONS, type DenialReason } from './denial-reasons.js'
import { editAuthorization } from './edit.js'
import { decideAuthorization } from './queue.js'

/** The owner's answer to a queued agent call. */
export const decideAuthorizationRequest = defineAction({
  domain: 'authorization',
  name: 'decide',
  description: 'Owner only: answer a pending authorization request. allow_once runs the call now; allow_always also makes the action unrestricted; deny stores the reason and note for the agent.',
  permission: 'unrestricted',
  roles: ['owner'],
  allowAgents: false,
  input: z.strictObject({
    request_id: z.uuid(),
    decision: z.enum(['allow_once', 'allow_always', 'deny']),
    note: z.string().trim().max(2000).optional().describe('read by the agent, especially with deny'),
    reason: z.enum(Object.keys(DENIAL_REASONS) as [DenialReason, ...DenialReason[]]).optional()
      .describe('with deny: wrong_customer, wrong_amount, not_now, ask_me_first or other'),
  }).refine((i) => !i.reason || i.decision === 'deny', { path: ['reason'], message: 'is only given with decision deny' }),
  async run(ctx, input) {
    return decideAuthorization(ctx, input.request_id, input.decision, input.note ?? null, input.reason ?? null)
  },
})

/** The owner sets an action's level for this business, or returns it to the registered default. */
export const setPermission = defineAction({
  domain: 'permission',
  name: 'set',
  description: 'Owner only: set the permission level of an action for agents (unrestricted, soft_limit, requires_authorization), or "default" to use its registered level.',
  permission: 'unrestricted',
  roles: ['owner'],
  allowAgents: false,
  input: z.strictObject({
    action: z.string().describe('domain.name, e.g. "contact.delete"'),
    permission: z.enum(['unrestricted', 'soft_limit', 'requires_authorization', 'default']),
  }),
  async run(ctx, input) {
    if (!ctx.services.registry.actions.has(input.action)) throw new AppError('NOT_FOUND', `Unknown action ${input.action}`, { field: 'data.action' })
    const before = await ctx.db.query<{ permission: string }>('select permission from permission_overrides where action_key = $1', [input.action])
    if (input.permission === 'default') {
      await ctx.db.query('delete from permission_overrides where action_key = $1', [input.action])
    } else {
      await ctx.db.query(`insert into permission_overrides (tenant_id, action_key, permission, set_by) values ($1, $2, $3, $4)
        on conflict (tenant_id, action_key) do update set permission = $3, set_by = $4, set_at = now()`,
      [ctx.tenantId, input.action, input.permission, ctx.actor.id])
    }
    const registered = ctx.services.registry.actions.get(input.action)!.permission
    const effective = input.permission === 'default' ? registered : input.permission
    await ctx.audit({ entityType: 'permission', entityId: ctx.tenantId, action: 'set',
      before: { [input.action]: before.rows[0]?.permission ?? 'default' }, after: { [input.action]: input.permission } })
    return { action: input.action, registered, override: input.permission === 'default' ? null : input.permission, effective }
  },
})

/** The owner changes a queued call before allowing it; the agent reads what was changed. */
export const editAuthorizationRequest = defineAction({
  domain: 'authorization',
  name: 'edit',
  description: 'Owner only: replace the call of a pending authorization request with an edited one (data: the whole call, checked '
    + 'against the action\'s input schema and the current data). The request stays pending; the agent reads the changed fields in edits.',
  permission: 'unrestricted',
  roles: ['owner'],
  allowAgents: false,
  input: z.strictObject({
    request_id: z.uuid(),
    data: z.record(z.string(), z.unknown()).describe('the whole call as it should run'),
  }),
  async run(ctx, input) {
    return editAuthorization(ctx, input.request_id, input.data)
  },
})
