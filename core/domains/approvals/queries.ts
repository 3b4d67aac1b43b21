import { z } from 'zod'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { actionKey, defineQuery } from '../../kernel/registry.js'
import { loadTenantSettings } from '../settings/model.js'
import { AUTHORIZATION_REQUEST_RECORD, REQUEST_COLUMNS } from './queue.js'
import { conditionWords, type RuleCondition, STANDING_RULE_RECORD } from './standing-rules.js'
import { auditTrailExpansion, timestamp } from '../../kernel/output-types.js'

/** Queued agent calls: pending ones for the owner, and their outcome for the agent. */
export const authorizationRequestsQuery = defineQuery({
  type: 'authorization_requests',
  phrases: [
    'approvals waiting for the owner',
    'requests the owner has not answered',
    'approval',
    'consent',
    'queue',
    'authorize',
    'permission request',
  ],
  description:
    'Agent calls waiting for (or decided by) the owner. Filter status: pending|executed|denied|failed|expired. By id: the outcome ' +
    "(result, error, or the owner's decision_reason and note), preview (what the owner was shown), and edits (fields the owner changed: {before, after}).",
  entity: 'authorization_request',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ status: z.enum(['pending', 'executed', 'denied', 'failed', 'expired']).optional() }),
  record: AUTHORIZATION_REQUEST_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const args: unknown[] = [req.id ?? null, req.params.status ?? null]
    return listPage(ctx.db, req, newestFirst(), args, {
      columns: '*',
      from: `(select ${REQUEST_COLUMNS} from authorization_requests) q`,
      where: `($1::uuid is null or id = $1) and ($2::text is null or status = $2)`,
    })
  },
})

/** Every action with its registered level and this business's override. */
export const permissionsQuery = defineQuery({
  type: 'permissions',
  description:
    "Every action with its registered permission level, the owner's override for this business, and the effective level for agents; " +
    "owner_approves: the input fields with which an agent's call waits for the owner every time, whatever the level.",
  phrases: ['allow always', 'trust', 'levels'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: z.object({
    id: z.string(),
    action: z.string(),
    registered: z.enum(['unrestricted', 'soft_limit', 'requires_authorization', 'never']),
    override: z.enum(['unrestricted', 'soft_limit', 'requires_authorization']).nullable(),
    effective: z.enum(['unrestricted', 'soft_limit', 'requires_authorization', 'never']),
    set_at: timestamp.nullable(),
    agents_allowed: z.boolean(),
    owner_approves: z.array(z.string()),
  }),
  async run(ctx, req) {
    const r = await ctx.db.query<{ action_key: string; permission: string; set_at: Date }>(
      'select action_key, permission, set_at from permission_overrides',
    )
    const overrides = new Map(r.rows.map((o) => [o.action_key, o]))
    const items = [...ctx.services.registry.actions.values()].map((def) => {
      const key = actionKey(def.domain, def.name)
      const o = overrides.get(key)
      const agentsAllowed = def.access.agent !== 'never'
      return {
        id: key,
        action: key,
        registered: def.access.agent,
        override: agentsAllowed ? (o?.permission ?? null) : null,
        effective: agentsAllowed ? (o?.permission ?? def.access.agent) : 'never',
        set_at: o?.set_at ?? null,
        agents_allowed: agentsAllowed,
        owner_approves: [...(def.access.ownerApproves?.fields ?? [])],
      }
    })
    // Asked for one id, answer with that record or none (NOT_FOUND), never the first of the list.
    return { items: req.id === undefined ? items : items.filter((item) => item.id === req.id), next_cursor: null }
  },
})

/** The owner's standing rules, with each one in plain words. */
export const standingRulesQuery = defineQuery({
  type: 'standing_rules',
  description: 'Rules that let agents run an action without asking when the call meets conditions. Filter status: active (default) | all.',
  entity: 'standing_rule',
  phrases: ['allow up to', 'conditions', 'auto approve'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ status: z.enum(['active', 'all']).default('active') }),
  record: STANDING_RULE_RECORD.extend({
    revoked_at: timestamp.nullable(),
    status: z.enum(['active', 'expired', 'revoked']),
    conditions_text: z.array(z.string()),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const { currency } = await loadTenantSettings(ctx.db)
    const args: unknown[] = [req.id ?? null, req.params.status]
    const page = await listPage(ctx.db, req, newestFirst(), args, {
      columns: '*',
      from: `(select id, action_key as action, conditions, expires_at, created_at, revoked_at,
        case when revoked_at is not null then 'revoked' when expires_at <= now() then 'expired' else 'active' end as status
       from standing_rules) q`,
      where: `($1::uuid is null or id = $1) and ($2 = 'all' or $1::uuid is not null or status = 'active')`,
    })
    for (const rule of page.items)
      rule.conditions_text = (rule.conditions as RuleCondition[]).map((c) =>
        conditionWords(c, ctx.services.registry.actions.get(String(rule.action)), currency),
      )
    return page
  },
})
