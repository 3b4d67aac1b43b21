import { paymentsOf } from '../../clients/payments.js'
import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { formatMoney } from '../../vocabulary/money.js'
import { cardChargesQuery, chargesToAllowQuery, savedCardsQuery } from './queries.js'

/**
 * Card payments that need the owner, in one line of daily_briefing: failed ones still owed (whose, how much and why), and
 * invoices an agent wrote that autopay will not charge until the owner allows them.
 */
export async function failedPaymentsBriefingLine(caller: Caller): Promise<string | null> {
  const lines = [await failedLine(caller), await toAllowLine(caller), await untoldLine(caller)].filter((l): l is string => l !== null)
  return lines.length ? lines.join(' ') : null
}

/** Autopay waits while email is off: a customer is told before each charge, and without a provider nobody would be. */
async function untoldLine(caller: Caller): Promise<string | null> {
  if (caller.services.email.delivers || !paymentsOf(caller.services)) return null
  const cards = (await callQuery(caller, savedCardsQuery, { params: {}, limit: 1 })).items
  if (!cards.length) return null
  return (
    'Autopay charges nothing while email is off: each customer is emailed the amount, the card and the day before a ' +
    'charge, and without an email provider nobody would be (set RESEND_API_KEY).'
  )
}

async function toAllowLine(caller: Caller): Promise<string | null> {
  const waiting = (await callQuery(caller, chargesToAllowQuery, { params: {}, limit: 50 })).items
  if (!waiting.length) return null
  const named = waiting
    .slice(0, 3)
    .map((c) => `${c.customer_name} ${formatMoney(c.amount_due_cents, c.currency)} on ${c.invoice_number}`)
    .join('; ')
  return (
    `Not charged until the owner allows it (an agent set the amount): ${named}${waiting.length > 3 ? `; and ${waiting.length - 3} more` : ''} ` +
    '(crm_query type=charges_to_allow; card.allow_charge asks the owner; the owner allows it at /payments/failed)'
  )
}

async function failedLine(caller: Caller): Promise<string | null> {
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
