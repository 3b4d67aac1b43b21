import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { shortText } from '../../text/short-text.js'
import { addDays, localDate } from '../../vocabulary/time.js'
import { settingsQuery } from '../settings/queries.js'
import { UNAPPLIED_DAYS, unappliedPaymentsQuery } from './unapplied-payments.js'

/** Characters of the reason quoted for each payment; the rest stays behind crm_query. */
const MAX_REASON = 80

/** Stripe's part of daily_briefing: the online payments of the last 30 days that were not recorded, or null when there are none. */
export async function stripeBriefingLine(caller: Caller): Promise<string | null> {
  const { timezone } = await callQuery(caller, settingsQuery, { id: caller.principal.tenantId })
  const since = addDays(localDate(caller.services.now(), timezone), -UNAPPLIED_DAYS)
  const unapplied = (await callQuery(caller, unappliedPaymentsQuery, { params: { since }, limit: 10 })).items
  if (!unapplied.length) return null
  const payments = unapplied.map((e) => {
    const paid = e.invoice_number ?? (e.order_number ? `order ${e.order_number} deposit` : 'unknown')
    const amount = e.amount_cents === null ? '' : `${e.amount_cents} cents ${e.currency ?? ''} `
    return `${paid} ${amount}(${shortText(e.reason ?? e.outcome, MAX_REASON)})`
  })
  return `Online payments not recorded: ${payments.join('; ')} (check each in Stripe; crm_query type=unapplied_payments)`
}
