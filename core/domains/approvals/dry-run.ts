import type { OperationContext } from '../../context.js'
import { translateDatabaseError } from '../../db/translate-error.js'
import { AppError } from '../../errors.js'
import type { ActionDefinition } from '../../registry.js'

/**
 * Runs the call against the current state inside a savepoint that is always rolled back, so a call that would fail is
 * refused now instead of failing after the owner's Allow. Nothing persists: rows, audit entries and counters go with the
 * savepoint, and effects the call schedules for after commit (emails) are dropped.
 */
export async function dryRun(
  ctx: OperationContext,
  def: ActionDefinition,
  input: unknown,
  refusal = 'Not queued for the owner: this call fails against the current data.',
): Promise<void> {
  await ctx.db.query('savepoint authorization_dry_run')
  let failure: unknown = null
  try {
    await def.run({ ...ctx, afterCommit: () => {} }, input as never)
  } catch (err) {
    failure = translateDatabaseError(err)
  }
  await ctx.db.query('rollback to savepoint authorization_dry_run')
  await ctx.db.query('release savepoint authorization_dry_run')
  if (failure === null) return
  if (!(failure instanceof AppError)) throw failure
  throw new AppError(failure.code, `${refusal} ${failure.message}`, failure.details, failure.status)
}
