import { z } from 'zod'
import { formatMoney } from '../../vocabulary/money.js'
import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { actionKey, type ActionDefinition } from '../../kernel/registry.js'
import { previewCall } from './preview.js'
import { timestamp } from '../../kernel/output-types.js'

/** One test of a fact about a call, e.g. {fact: "amount_cents", op: "at_most", value: 5000}. */
export const ruleCondition = z.strictObject({
  fact: z.string().describe('a fact the action offers, e.g. amount_cents (invoice.void) or hours_notice (ticket.cancel)'),
  op: z.enum(['at_most', 'at_least']),
  value: z.number().int().min(0).max(2_147_483_647).describe("in the fact's unit: cents for money, hours for hours"),
})

/** A standing rule as standing_rule.create answers it. */
export const STANDING_RULE_RECORD = z.object({
  id: z.uuid(),
  action: z.string(),
  conditions: z.array(ruleCondition),
  expires_at: timestamp.nullable(),
  created_at: timestamp,
})

/** A condition of a standing rule. */
export type RuleCondition = z.output<typeof ruleCondition>

/** A standing rule as stored. */
export interface StandingRule {
  id: string
  action_key: string
  conditions: RuleCondition[]
  expires_at: Date | null
}

/** The rules for an action that are neither revoked nor expired. */
export async function activeRules(tx: Queryable, key: string): Promise<StandingRule[]> {
  const r = await tx.query<StandingRule>(
    `select id, action_key, conditions, expires_at from standing_rules
    where action_key = $1 and revoked_at is null and (expires_at is null or expires_at > now()) order by created_at, id`,
    [key],
  )
  return r.rows
}

/** Whether every condition holds for the call's facts; a fact the call does not give never satisfies a condition. */
export function ruleMatches(rule: Pick<StandingRule, 'conditions'>, facts: Record<string, number>): boolean {
  return rule.conditions.every((c) => {
    const v = facts[c.fact]
    if (typeof v !== 'number' || !Number.isFinite(v)) return false
    return c.op === 'at_most' ? v <= c.value : v >= c.value
  })
}

/**
 * Lets an agent's call that would wait for the owner run now when an active standing rule for its action matches the
 * call's facts (read from the current data by the action's preview). The audit records the rule and the facts.
 */
export async function standingRuleAllows(ctx: OperationContext, def: ActionDefinition, input: unknown): Promise<boolean> {
  const key = actionKey(def.domain, def.name)
  const rules = await activeRules(ctx.db, key)
  if (!rules.length) return false
  const facts = (await previewCall(ctx, def, input)).facts ?? {}
  const rule = rules.find((r) => ruleMatches(r, facts))
  if (!rule) return false
  await ctx.audit({
    entityType: 'standing_rule',
    entityId: rule.id,
    action: 'allow',
    after: { action_key: key, facts, conditions: rule.conditions },
  })
  return true
}

/** A condition in plain words, e.g. "the invoice total is at most $50.00". */
export function conditionWords(c: RuleCondition, def: ActionDefinition | undefined, currency: string): string {
  const fact = def?.facts?.[c.fact]
  const amount = fact?.unit === 'money' ? formatMoney(c.value, currency) : fact?.unit === 'hours' ? `${c.value} hours` : String(c.value)
  return `${fact?.label ?? c.fact.replace(/_/g, ' ')} is ${c.op === 'at_most' ? 'at most' : 'at least'} ${amount}`
}
