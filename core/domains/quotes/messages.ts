import type { OperationContext } from '../../kernel/context.js'
import { INTERACTION_TABLE, type Interaction } from '../interactions/model.js'
import { auditedUpdate, lockRecord } from '../../vocabulary/records.js'
import { cancelPendingMessages } from '../messages/cancel-pending.js'
import { queueMessage } from '../messages/queue.js'

/** Lead time of a quote email sent "now": delivery picks it up on its next pass. */
const SEND_DELAY_MS = 5_000

/** Queues the quote's email to its customer (its answer links are made at delivery), audited; returns the message. */
export async function queueQuoteEmail(ctx: OperationContext, quote: { id: string; contact_id: string }): Promise<Record<string, unknown>> {
  const sendAt = new Date(ctx.services.now().getTime() + SEND_DELAY_MS)
  return queueMessage(ctx, { contact_id: quote.contact_id, kind: 'quote', send_at: sendAt, quote_id: quote.id })
}

/**
 * What ends a quote, whichever way (accepted, declined, cancelled, expired): its emails still queued are cancelled, and
 * the owner's reminder to follow it up before it lapses is marked done, saying why; each change audited.
 */
export async function endQuoteChasing(
  ctx: OperationContext,
  quote: { id: string; number: string; follow_up_interaction_id: string | null },
  ended: 'accepted' | 'declined' | 'cancelled' | 'expired',
): Promise<void> {
  await cancelQuoteMessages(
    ctx,
    quote.id,
    ended === 'expired' ? `Not sent: quote ${quote.number} expired` : `Not sent: quote ${quote.number} was ${ended}`,
  )
  if (!quote.follow_up_interaction_id) return
  const reminder = await lockRecord<Interaction>(ctx.db, INTERACTION_TABLE, quote.follow_up_interaction_id)
  if (reminder.follow_up_done_at || reminder.archived_at) return
  await auditedUpdate(ctx, INTERACTION_TABLE, reminder, {
    follow_up_done_at: ctx.services.now(),
    outcome: reminder.outcome ?? `Quote ${quote.number} ${ended === 'expired' ? 'expired' : `was ${ended}`}`,
  })
}

/** Cancels a quote's emails still queued, each audited with why; returns their ids. */
async function cancelQuoteMessages(ctx: OperationContext, quoteId: string, reason: string): Promise<string[]> {
  return cancelPendingMessages(ctx, 'quote_id = $1', [quoteId], reason)
}
