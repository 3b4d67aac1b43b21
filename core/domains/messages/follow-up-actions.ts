import { z } from 'zod'
import { notFound, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'
import { timestamp } from '../../kernel/output-types.js'
import { cancelPendingMessages } from './cancel-pending.js'

/** Stops the reminders of one invoice, or the follow-up of one quote: what is queued is cancelled, nothing more is queued. */
export const stopFollowUps = defineAction({
  key: 'message.stop_follow_ups',
  phrases: [
    'stop chasing an invoice',
    'stop the payment reminders',
    'they will pay, stop reminding them',
    'stop reminders',
    'stop chasing',
    'payment reminder',
    'dunning',
    'quote follow-up',
  ],
  title: 'Stop the reminders of an invoice or quote',
  place: BY_AGENT_OR_API,
  words: { phrase: 'stop chasing one invoice or quote' },
  description:
    'Stop the follow-ups of one invoice (its payment reminders) or one quote (its follow-up before it lapses): give invoice_id ' +
    'or quote_id. Their queued follow-ups are cancelled and none is queued for it again; other emails are untouched. The ' +
    'schedule for every invoice and quote is in settings.update (invoice_reminder_days, quote_follow_up_days); review ' +
    'requests stop per customer with contact.set_review_opt_out. Returns when they were stopped and the cancelled message ids.',
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    invoice_id: z.uuid().optional().describe('The invoice whose payment reminders stop'),
    quote_id: z.uuid().optional().describe('The quote whose follow-up stops'),
  }),
  output: z.object({ stopped_at: timestamp, cancelled_message_ids: z.array(z.uuid()) }),
  async run(ctx, input) {
    if (!input.invoice_id === !input.quote_id)
      throw validationError([{ field: 'data.invoice_id', message: 'give exactly one of invoice_id and quote_id' }])
    const [table, column, id, kind] = input.invoice_id
      ? (['invoices', 'invoice_id', input.invoice_id, 'invoice_reminder'] as const)
      : (['quotes', 'quote_id', input.quote_id as string, 'quote_follow_up'] as const)
    const r = await ctx.db.query<{ follow_ups_stopped_at: Date | null }>(
      `select follow_ups_stopped_at from ${table} where id = $1 for update`,
      [id],
    )
    if (!r.rows[0]) throw notFound(table === 'invoices' ? 'invoice' : 'quote', id)
    let stoppedAt = r.rows[0].follow_ups_stopped_at
    if (!stoppedAt) {
      stoppedAt = ctx.services.now()
      await ctx.db.query(`update ${table} set follow_ups_stopped_at = $2 where id = $1`, [id, stoppedAt])
      await ctx.audit({
        entityType: table === 'invoices' ? 'invoice' : 'quote',
        entityId: id,
        action: 'stop_follow_ups',
        before: { follow_ups_stopped_at: null },
        after: { follow_ups_stopped_at: stoppedAt },
      })
    }
    const cancelled = await cancelPendingMessages(ctx, `${column} = $1 and kind = $2`, [id, kind], 'Not sent: its follow-ups were stopped')
    return { stopped_at: stoppedAt, cancelled_message_ids: cancelled }
  },
})
