import { analyzeAfterBulkWrite } from '../../db/planner-statistics.js'
import type { OperationContext } from '../../kernel/context.js'

/** An import's report; once its transaction has committed, a real run that created rows has the embedded engine analyzed. */
export async function analyzedAfter<T extends { dry_run: boolean; created: number }>(
  ctx: OperationContext,
  report: Promise<T>,
): Promise<T> {
  const done = await report
  if (!done.dry_run) ctx.afterCommit(() => analyzeAfterBulkWrite(ctx.services.db, done.created))
  return done
}
