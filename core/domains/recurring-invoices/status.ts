import type { OperationContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { localDate } from '../../vocabulary/time.js'
import type { TenantSettings } from '../settings/model.js'
import { auditFields, periodOnOrAfter, type RecurringRow } from './model.js'

/** A status a recurring invoice is put in by hand (or by its plan). */
export type SetStatus = 'active' | 'paused' | 'ended'

/** The audit action of each change of status. */
const ACTION: Record<SetStatus, string> = { active: 'resume', paused: 'pause', ended: 'end' }

/**
 * Puts a locked recurring invoice in a status, audited; asked for the status it has, nothing changes (false). Pausing
 * keeps its next period; resuming skips the periods that began while it waited (the next invoice is for the first period
 * starting today or later). An ended one stays ended unless `reopen` (a plan that runs again); paused or resumed past its
 * end date, it is refused.
 */
export async function setRecurringStatus(
  ctx: OperationContext,
  settings: TenantSettings,
  before: RecurringRow,
  to: SetStatus,
  opts: { reopen?: boolean } = {},
): Promise<boolean> {
  if (before.status === to) return false
  if (before.status === 'ended' && !opts.reopen) {
    throw new AppError('CONFLICT', 'This recurring invoice has ended: set up a new one (recurring_invoice.create) to bill again', {
      field: 'data.recurring_invoice_id',
      status: before.status,
    })
  }
  let next = before.next_issue_on
  if (to === 'active') {
    const today = localDate(ctx.services.now(), settings.timezone)
    const first = periodOnOrAfter(before.starts_on, before.cycle, today)
    if (first > next) next = first
  }
  if (to !== 'ended' && before.ends_on && next >= before.ends_on) {
    throw new AppError(
      'CONFLICT',
      `This recurring invoice ends on ${before.ends_on}: no period is left to invoice. End it, or give a later ends_on first`,
      { field: 'data.recurring_invoice_id', ends_on: before.ends_on },
    )
  }
  await ctx.db.query('update recurring_invoices set status = $2, next_issue_on = $3 where id = $1', [before.id, to, next])
  await ctx.audit({
    entityType: 'recurring_invoice',
    entityId: before.id,
    action: ACTION[to],
    before: auditFields(before),
    after: auditFields({ ...before, status: to, next_issue_on: next }),
  })
  return true
}
