import { z } from 'zod'
import { AppError, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { DENIAL_REASONS, type DenialReason } from './denial-reasons.js'
import { editAuthorization } from './edit.js'
import { AUTHORIZATION_REQUEST_RECORD, decideAuthorization } from './queue.js'
import { ruleCondition, STANDING_RULE_RECORD } from './standing-rules.js'
import { timestamp } from '../../kernel/output-types.js'
import { page } from '../../vocabulary/places.js'

/** The owner's answer to a queued agent call. */
export const decideAuthorizationRequest = defineAction({
  key: 'authorization.decide',
  title: 'Answer a request',
  place: page('/review', 'pick the request, then Allow or Deny'),
  description:
    'Owner only: answer a pending authorization request. allow_once runs the call now; allow_always also makes the action unrestricted; deny stores the reason and note for the agent.',
  access: { agent: 'never', technician: 'none' },
  input: z
    .strictObject({
      request_id: z.uuid(),
      decision: z.enum(['allow_once', 'allow_always', 'deny']),
      note: z.string().trim().max(2000).optional().describe('read by the agent, especially with deny'),
      reason: z
        .enum(Object.keys(DENIAL_REASONS) as [DenialReason, ...DenialReason[]])
        .optional()
        .describe('with deny: wrong_customer, wrong_amount, not_now, ask_me_first or other'),
    })
    .refine((i) => !i.reason || i.decision === 'deny', { path: ['reason'], message: 'is only given with decision deny' }),
  output: AUTHORIZATION_REQUEST_RECORD,
  async run(ctx, input) {
    return decideAuthorization(ctx, input.request_id, input.decision, input.note ?? null, input.reason ?? null)
  },
})

/** The owner sets an action's level for this business, or returns it to the registered default. */
export const setPermission = defineAction({
  key: 'permission.set',
  title: 'Set what the office manager may do alone',
  place: page('/review/permissions', 'pick the action, then its level'),
  description:
    'Owner only: set the permission level of an action for agents (unrestricted, soft_limit, requires_authorization), or "default" to use its registered level.',
  access: { agent: 'never', technician: 'none' },
  input: z.strictObject({
    action: z.string().describe('domain.name, e.g. "contact.delete"'),
    permission: z.enum(['unrestricted', 'soft_limit', 'requires_authorization', 'default']),
  }),
  output: z.object({
    action: z.string(),
    registered: z.enum(['unrestricted', 'soft_limit', 'requires_authorization']),
    override: z.enum(['unrestricted', 'soft_limit', 'requires_authorization']).nullable(),
    effective: z.enum(['unrestricted', 'soft_limit', 'requires_authorization']),
  }),
  async run(ctx, input) {
    const def = ctx.services.registry.actions.get(input.action)
    if (!def) throw new AppError('NOT_FOUND', `Unknown action ${input.action}`, { field: 'data.action' })
    if (def.access.agent === 'never') {
      throw new AppError('FORBIDDEN', `${input.action} is for people only and can never be given to an agent`, { field: 'data.action' })
    }
    const before = await ctx.db.query<{ permission: string }>('select permission from permission_overrides where action_key = $1', [
      input.action,
    ])
    if (input.permission === 'default') {
      await ctx.db.query('delete from permission_overrides where action_key = $1', [input.action])
    } else {
      await ctx.db.query(
        `insert into permission_overrides (tenant_id, action_key, permission, set_by) values ($1, $2, $3, $4)
        on conflict (tenant_id, action_key) do update set permission = $3, set_by = $4, set_at = now()`,
        [ctx.tenantId, input.action, input.permission, ctx.actor.id],
      )
    }
    const registered = def.access.agent
    const effective = input.permission === 'default' ? registered : input.permission
    await ctx.audit({
      entityType: 'permission',
      entityId: ctx.tenantId,
      action: 'set',
      before: { [input.action]: before.rows[0]?.permission ?? 'default' },
      after: { [input.action]: input.permission },
    })
    return { action: input.action, registered, override: input.permission === 'default' ? null : input.permission, effective }
  },
})

/** The owner changes a queued call before allowing it; the agent reads what was changed. */
export const editAuthorizationRequest = defineAction({
  key: 'authorization.edit',
  title: 'Edit a request before allowing it',
  place: page('/review', 'pick the request, then Edit'),
  description:
    'Owner only: replace the call of a pending authorization request with an edited one (data: the whole call, checked ' +
    "against the action's input schema and the current data). The request stays pending; the agent reads the changed fields in edits.",
  access: { agent: 'never', technician: 'none' },
  input: z.strictObject({
    request_id: z.uuid(),
    data: z.record(z.string(), z.unknown()).describe('the whole call as it should run'),
  }),
  output: AUTHORIZATION_REQUEST_RECORD,
  async run(ctx, input) {
    return editAuthorization(ctx, input.request_id, input.data)
  },
})

/** The owner lets the agent run an action without asking when the call meets conditions, optionally until a date. */
export const createStandingRule = defineAction({
  key: 'standing_rule.create',
  title: 'Add a standing rule',
  place: page('/review/permissions', 'Add a standing rule'),
  description:
    'Owner only: let agents run an action that needs authorization without asking, when every condition holds for the call ' +
    '(e.g. invoice.void with amount_cents at_most 5000; ticket.cancel with hours_notice at_least 48). No conditions: every call. ' +
    'expires_at: when the rule stops (ISO 8601); omitted: until revoked.',
  access: { agent: 'never', technician: 'none' },
  input: z.strictObject({
    action: z.string().describe('domain.name, e.g. "invoice.void"'),
    conditions: z.array(ruleCondition).max(5).default([]),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  }),
  output: STANDING_RULE_RECORD,
  async run(ctx, input) {
    const def = ctx.services.registry.actions.get(input.action)
    if (!def) throw new AppError('NOT_FOUND', `Unknown action ${input.action}`, { field: 'data.action' })
    if (def.access.agent === 'never')
      throw validationError([{ field: 'data.action', message: `${input.action} is never done by an agent` }])
    const offered = Object.keys(def.facts ?? {})
    input.conditions.forEach((c, i) => {
      if (!offered.includes(c.fact)) {
        throw validationError([
          {
            field: `data.conditions.${i}.fact`,
            message: `${input.action} offers ${offered.length ? `the facts ${offered.join(', ')}` : 'no facts to test'}, not ${c.fact}`,
          },
        ])
      }
    })
    if (input.expires_at && new Date(input.expires_at) <= ctx.services.now()) {
      throw validationError([{ field: 'data.expires_at', message: 'must be in the future' }])
    }
    const r = await ctx.db.query<{ id: string }>(
      `insert into standing_rules (tenant_id, action_key, conditions, expires_at, created_by) values ($1, $2, $3, $4, $5)
      returning id, action_key as action, conditions, expires_at, created_at`,
      [ctx.tenantId, input.action, JSON.stringify(input.conditions), input.expires_at ?? null, ctx.actor.id],
    )
    await ctx.audit({ entityType: 'standing_rule', entityId: r.rows[0].id, action: 'create', after: r.rows[0] })
    return r.rows[0]
  },
})

/** The owner ends a standing rule; the agent asks again from the next call. */
export const revokeStandingRule = defineAction({
  key: 'standing_rule.revoke',
  title: 'End a standing rule',
  place: page('/review/permissions', 'pick the rule, then Revoke'),
  description: 'Owner only: end a standing rule now. Revoking twice changes nothing.',
  access: { agent: 'never', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ rule_id: z.uuid() }),
  output: z.object({ id: z.uuid(), action: z.string(), revoked_at: timestamp }),
  async run(ctx, input) {
    const before = await ctx.db.query('select id, action_key as action, revoked_at from standing_rules where id = $1 for update', [
      input.rule_id,
    ])
    if (!before.rows[0]) throw new AppError('NOT_FOUND', `No standing rule with id ${input.rule_id}`, { field: 'data.rule_id' })
    if (before.rows[0].revoked_at) return before.rows[0]
    const r = await ctx.db.query(
      'update standing_rules set revoked_at = now(), revoked_by = $2 where id = $1 returning id, action_key as action, revoked_at',
      [input.rule_id, ctx.actor.id],
    )
    await ctx.audit({ entityType: 'standing_rule', entityId: input.rule_id, action: 'revoke', before: before.rows[0], after: r.rows[0] })
    return r.rows[0]
  },
})
