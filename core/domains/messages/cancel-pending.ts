import type { OperationContext } from '../../kernel/context.js'
import { MESSAGE_COLUMNS } from './model.js'

/**
 * Cancels the pending scheduled messages that `filter` picks (a condition on scheduled_messages over `values` as $1, $2 ...),
 * oldest first, each audited as 'cancel'; `reason` is kept in last_error (null keeps what was there). Returns their ids.
 */
export async function cancelPendingMessages(
  ctx: OperationContext,
  filter: string,
  values: unknown[],
  reason: string | null,
): Promise<string[]> {
  const pending = await ctx.db.query(
    `select ${MESSAGE_COLUMNS} from scheduled_messages
    where ${filter} and status = 'pending' order by send_at, id for update`,
    values,
  )
  for (const before of pending.rows) {
    const r = await ctx.db.query(
      `update scheduled_messages set status = 'cancelled', last_error = coalesce($2, last_error) where id = $1
      returning ${MESSAGE_COLUMNS}`,
      [before.id, reason],
    )
    await ctx.audit({ entityType: 'scheduled_message', entityId: String(before.id), action: 'cancel', before, after: r.rows[0] })
  }
  return pending.rows.map((m) => String(m.id))
}
