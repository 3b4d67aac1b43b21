import { paymentsOf } from '../../../core/clients/payments.js'
import { finishCloseout } from '../../../core/domains/closeouts/actions.js'
import { paymentLinkFor } from '../../../core/domains/invoices/payment-link.js'
import { html, type SafeHtml } from '../../html.js'
import { stepBar, stepForm, stepPath, type StepPage, type StepRender, type View } from './shared.js'
import { formatMoney } from '../../../core/vocabulary/money.js'

const SKIP_REASONS: Record<string, string> = {
  paid_already: 'Paid already',
  handled_separately: 'Handled separately',
  other: 'Other (say how below)',
}

/** Step 6: an emailed invoice, paying now by link, or skipping with a reason; once decided, the outcome (and the link). */
export const paymentStep: StepPage = {
  step: 'payment',
  title: 'Payment',
  action: finishCloseout,
  async render({ call, view }: StepRender) {
    const total = formatMoney(view.work.totals.total_cents, view.work.totals.currency)
    const closed = html`${stepBar(view, 'payment')}<p class="ok">Ticket #${view.ticket.number} is complete.</p>${resultText(view)}`
    if (view.payment) return html`${closed}${await decided(call, view)}`
    return html`${closed}${stepForm(
      call.session,
      view.ticket_id,
      'payment',
      html`
<p>Amount: <strong>${total}</strong></p>
<button name="payment" value="send_invoice">Send invoice by email</button>
<button name="payment" value="pay_now" class="alt">Take payment now</button>
<div class="card"><label>Skip payment because<select name="skip_reason"><option value="">Choose a reason…</option>${Object.entries(SKIP_REASONS).map(([v, l]) => html`<option value="${v}">${l}</option>`)}</select></label>
<label>Note<input type="text" name="note" maxlength="500" data-redact></label>
<button name="payment" value="skip" class="alt">Skip payment</button></div>`,
    )}`
  },
  data(posted) {
    const note = (posted.note ?? '').trim()
    return {
      payment: posted.payment ?? '',
      ...(posted.payment === 'skip' && posted.skip_reason ? { skip_reason: posted.skip_reason } : {}),
      ...(note ? { note } : {}),
    }
  },
  // Paying now shows the payment link; otherwise the close-out is over.
  after: (_posted, saved) =>
    saved.payment?.choice === 'pay_now' ? stepPath(saved.ticket_id, 'payment') : `/today?closed=${saved.ticket.number}`,
}

function resultText(view: View): SafeHtml | '' {
  const r = view.result ?? {}
  if (r.next_ticket) return html`<p>Next visit booked: ticket #${r.next_ticket.number}.</p>`
  if (r.reach_out) return html`<p>We will reach out to ${view.ticket.contact_name} on ${String(r.reach_out.send_at).slice(0, 10)}.</p>`
  return ''
}

async function decided(call: StepRender['call'], view: View): Promise<SafeHtml> {
  const p = view.payment
  const back = html`<a class="btn" href="/today?closed=${view.ticket.number}">Back to Today</a>`
  if (p.choice === 'pay_now' && p.invoice) {
    const due = html`<p>Invoice ${p.invoice.number}: ${formatMoney(p.invoice.amount_due_cents, p.invoice.currency)} due.</p>`
    if (!paymentsOf(call.services))
      return html`${due}<p class="warn">Online payments are off for this business: take payment the usual way; the invoice stays open.</p>${back}`
    let link: string | null
    try {
      link = await paymentLinkFor(call.services, call.session.tenantId, p.invoice.id)
    } catch (err) {
      // The payment provider is away; the decision is saved, so reloading this page tries again.
      return html`${due}<p class="err">The payment page could not be made right now (${err instanceof Error ? err.message : String(err)}).</p>
<a class="btn alt" href="${stepPath(view.ticket_id, 'payment')}">Try again</a>${back}`
    }
    return html`${due}${
      link
        ? html`<p><a class="btn" href="${link}" rel="noreferrer">Open the payment page</a></p><p class="muted">Hand the phone to the customer, or read out: ${link}</p>`
        : html`<p class="muted">Nothing is left to pay on this invoice.</p>`
    }${back}`
  }
  if (p.choice === 'send_invoice') return html`<p>Invoice ${p.invoice?.number ?? ''} will be emailed to the customer.</p>${back}`
  return html`<p>Payment skipped: ${SKIP_REASONS[p.skip_reason] ?? p.skip_reason}${p.note ? ` (${p.note})` : ''}.</p>${back}`
}
