import type { OperationContext } from '../../kernel/context.js'
import type { DomainEvents } from '../../kernel/events.js'
import { refreshContactLifecycles } from './lifecycle.js'

/**
 * When the business changes after how many months a customer counts as lapsed, every customer and past customer is
 * placed again, in the same transaction as the change.
 */
export async function replaceLapsedCustomers(ctx: OperationContext, change: DomainEvents['settings.updated']): Promise<void> {
  if (change.before.lapsed_after_months === change.after.lapsed_after_months) return
  const held = await ctx.db.query<{ id: string }>(
    `select id from contacts where lifecycle in ('customer', 'past_customer') and merged_into is null`,
  )
  await refreshContactLifecycles(
    ctx,
    held.rows.map((c) => c.id),
  )
}
