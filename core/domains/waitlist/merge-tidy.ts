import type { OperationContext } from '../../kernel/context.js'
import type { MergePair } from '../contacts/merge-tidy.js'

/** Removes the merged contact's open waitlist entries for a service the survivor already waits for, audited; answers how many. */
export async function removeDoubledEntries(ctx: OperationContext, { survivor, merged }: MergePair): Promise<number> {
  const colliding = await ctx.db.query<{ id: string; status: string }>(
    `select w.id, w.status from waitlist_entries w where w.contact_id = $2 and w.status in ('waiting', 'offered')
       and exists (select 1 from waitlist_entries o where o.contact_id = $1 and o.status in ('waiting', 'offered')
         and o.service_id is not distinct from w.service_id)`,
    [survivor.id, merged.id],
  )
  for (const row of colliding.rows) {
    await ctx.db.query(`update waitlist_entries set status = 'removed' where id = $1`, [row.id])
    await ctx.audit({
      entityType: 'waitlist_entry',
      entityId: String(row.id),
      action: 'remove',
      before: { status: row.status },
      after: {
        status: 'removed',
        reason: `${survivor.display_name}, into whom ${merged.display_name} was merged, already waits for this service`,
      },
    })
  }
  return colliding.rows.length
}
