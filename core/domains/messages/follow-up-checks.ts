import type { Queryable } from '../../db/types.js'
import { localDate } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { FOLLOW_UP_KINDS, isAskedStep } from './follow-up-rules.js'
import { OWED_SQL } from '../../vocabulary/invoice-states.js'

/**
 * Why a follow-up due now must not go, or null when it may: delivery asks at the moment of sending, so a payment, a void,
 * an answer or a customer's opt-out between queueing and sending stops it.
 */
export async function followUpStopReason(tx: Queryable, message: Record<string, unknown>, now: Date): Promise<string | null> {
  const kind = String(message.kind)
  if (!(FOLLOW_UP_KINDS as readonly string[]).includes(kind)) return null
  if (kind === 'invoice_reminder') {
    const r = await tx.query<{ number: string; status: string; owed: boolean; paid_since: boolean; stopped: boolean }>(
      `select i.number, i.status, (${OWED_SQL}) as owed, i.follow_ups_stopped_at is not null as stopped,
              exists (select 1 from payments p where p.invoice_id = i.id and p.created_at > $2) as paid_since
       from invoices i where i.id = $1`,
      [message.invoice_id, message.created_at],
    )
    const i = r.rows[0]
    if (!i) return 'its invoice is gone'
    if (i.status === 'void') return `invoice ${i.number} was voided`
    if (!i.owed) return `invoice ${i.number} is ${i.status.replace('_', ' ')} with nothing left to ask for`
    // Stopping the schedule's reminders does not stop one that someone asked for by name (invoice.remind).
    if (i.stopped && !isAskedStep(message.follow_up_step)) return `the follow-ups of invoice ${i.number} were stopped`
    if (i.paid_since) return `a payment landed on invoice ${i.number} after this reminder was queued`
    return null
  }
  if (kind === 'quote_follow_up') {
    const r = await tx.query<{ number: string; status: string; valid_until: string; stopped: boolean }>(
      'select number, status, valid_until::text as valid_until, follow_ups_stopped_at is not null as stopped from quotes where id = $1',
      [message.quote_id],
    )
    const q = r.rows[0]
    if (!q) return 'its quote is gone'
    if (q.status !== 'sent') return `quote ${q.number} is ${q.status}`
    if (q.stopped) return `the follow-ups of quote ${q.number} were stopped`
    const settings = await loadTenantSettings(tx)
    if (q.valid_until < localDate(now, settings.timezone)) return `quote ${q.number} lapsed on ${q.valid_until}`
    return null
  }
  const settings = await loadTenantSettings(tx)
  if (!settings.review_link) return 'review requests are off (no review link in the settings)'
  const c = await tx.query<{ review_opt_out: string | null }>('select review_opt_out from contacts where id = $1', [message.contact_id])
  const optOut = c.rows[0]?.review_opt_out
  if (optOut) return `the customer ${optOut === 'declined' ? 'declined review requests' : 'complained'}`
  return null
}
