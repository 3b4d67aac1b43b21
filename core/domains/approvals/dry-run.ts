import type { OperationContext } from '../../kernel/context.js'
import { translateDatabaseError } from '../../db/translate-error.js'
import { AppError } from '../../kernel/errors.js'
import type { ActionDefinition } from '../../kernel/registry.js'
import { type CallEffect, capturingEffect, markMade } from './effect.js'

/**
 * Runs the call against the current state inside a savepoint that is always rolled back, so a call that would fail is
 * refused now instead of failing after the owner's Allow, and returns what it does, record by record: the effect the
 * owner is shown and the call is held to. Nothing persists: rows, audit entries and counters go with the savepoint, and
 * effects the call schedules for after commit (emails) are dropped.
 */
export async function dryRun(
  ctx: OperationContext,
  def: ActionDefinition,
  input: unknown,
  refusal = 'Not queued for the owner: this call fails against the current data.',
): Promise<CallEffect> {
  await ctx.db.query('savepoint authorization_dry_run')
  let failure: unknown = null
  let effect: CallEffect | null = null
  try {
    // Tried as it will run once the owner allows it: as the agent, marked as allowed.
    const allowed = ctx.actor.type === 'agent' ? { ...ctx, actor: { ...ctx.actor, approvedBy: ctx.actor.approvedBy ?? 'the owner' } } : ctx
    effect = (await capturingEffect(allowed, () => def.run({ ...allowed, afterCommit: () => {} }, input as never))).effect
  } catch (err) {
    failure = translateDatabaseError(err)
  }
  await ctx.db.query('rollback to savepoint authorization_dry_run')
  await ctx.db.query('release savepoint authorization_dry_run')
  if (effect) return markMade(ctx, effect)
  if (!(failure instanceof AppError)) throw failure
  throw new AppError(failure.code, `${refusal} ${failure.message}`, failure.details, failure.status)
}
