import type { Caller } from '../../call-action.js'
import { callQuery } from '../../call-query.js'
import { formatMoney } from '../../money.js'
import { cardChargesQuery } from './queries.js'

/** Failed card payments still owed, in one line of daily_briefing: whose, how much and why. */
export async function failedPaymentsBriefingLine(caller: Caller): Promise<string | null> {
  const failing = (await callQuery(caller, cardChargesQuery, { params: { failing: 'true' }, limit: 50 })).items
  if (!failing.length) return null
  const named = failing.slice(0, 3).map((c) => {
    const why = c.status === 'needs_customer' ? 'their bank wants them to confirm' : (c.decline_code ?? c.code ?? 'declined')
    return `${c.customer_name} ${formatMoney(c.amount_due_cents, c.currency)} on ${c.invoice_number} (${why}${c.retry_on ? `, next try ${c.retry_on}` : ', no more tries'})`
  })
  const more = failing.length > 3 ? `; and ${failing.length - 3} more` : ''
  return (
    `Failed card payments: ${named.join('; ')}${more} ` +
    '(crm_query type=card_charges failing=true; card.request emails a link to save another card; the owner can charge again at /payments/failed)'
  )
}
