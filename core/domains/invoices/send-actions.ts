import { z } from 'zod'
import { AppError } from '../../errors.js'
import { defineAction } from '../../registry.js'
import { loadTenantSettings } from '../settings/model.js'
import { auditView, loadInvoice, todayOf } from './model.js'

/** Records that an invoice went to the customer: a draft becomes sent (its email is scheduled by the caller). */
export const markInvoiceSent = defineAction({
  domain: 'invoice',
  name: 'mark_sent',
  description: 'Record that an invoice was sent to the customer: draft becomes sent and sent_at is set (the first time only). '
    + 'A paid, partially paid or overdue invoice keeps its status; a void one is refused. The send_invoice workflow calls this.',
  permission: 'unrestricted',
  idempotent: true,
  input: z.strictObject({ invoice_id: z.uuid() }),
  async run(ctx, input) {
    const today = todayOf(ctx, await loadTenantSettings(ctx.db))
    const before = await loadInvoice(ctx.db, input.invoice_id, today, true)
    if (before.status === 'void') throw new AppError('CONFLICT', `Invoice ${before.number} is void and cannot be sent`)
    await ctx.db.query(`update invoices set status = case when status = 'draft' then 'sent' else status end,
      sent_at = coalesce(sent_at, now()) where id = $1`, [input.invoice_id])
    const after = await loadInvoice(ctx.db, input.invoice_id, today)
    await ctx.audit({ entityType: 'invoice', entityId: input.invoice_id, action: 'mark_sent', before: auditView(before), after: auditView(after) })
    return after
  },
})
