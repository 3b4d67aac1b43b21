import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { settingsQuery } from '../../../core/domains/settings/queries.js'
import { UNAPPLIED_DAYS, unappliedPaymentsQuery } from '../../../core/domains/stripe/unapplied-payments.js'
import { addDays, localDate } from '../../../core/vocabulary/time.js'
import { formatMoney } from '../../../core/vocabulary/money.js'
import { html, type SafeHtml } from '../../html.js'
import { countOf, FIRST_FEW, when } from '../home/home-sections.js'

/** On Home: payments Stripe reported that could not be recorded (the customer may have paid, and the books do not show it); nothing when there are none. */
export async function homeCard(caller: Caller): Promise<SafeHtml | ''> {
  const { timezone: tz } = await callQuery(caller, settingsQuery, { id: caller.principal.tenantId })
  const today = localDate(caller.services.now(), tz)
  const events = await callQuery(caller, unappliedPaymentsQuery, { params: { since: addDays(today, -UNAPPLIED_DAYS) }, limit: 20 })
  if (!events.items.length) return ''
  return html`<h2>Online payments not recorded: ${countOf(events)}</h2>
<p>Stripe reported these payments, but they could not be recorded here. Check each in Stripe, then refund it there or record the money by hand.</p>
<ul class="home">${events.items
    .slice(0, FIRST_FEW)
    .map(
      (e) =>
        html`<li>${
          e.invoice_id
            ? html`<a href="/invoices/${e.invoice_id}">Invoice ${e.invoice_number}</a>`
            : e.order_id
              ? html`<a href="/orders/${e.order_id}">Deposit on order ${e.order_number}</a>`
              : 'A payment'
        }${reportedAmount(e)} <span class="muted">(${when(
          e.received_at,
          tz,
        )}, Stripe event ${e.event_id})</span>: ${e.reason ?? 'not recorded'}</li>`,
    )}</ul>`
}

/** The amount a payment event carried, as money when its currency is a currency code, else in cents; '' when it carried none. */
function reportedAmount(e: { amount_cents: number | null; currency: string | null }): string {
  if (e.amount_cents === null) return ''
  return /^[a-z]{3}$/i.test(e.currency ?? '')
    ? ` ${formatMoney(e.amount_cents, String(e.currency).toUpperCase())}`
    : ` ${e.amount_cents} cents`
}
