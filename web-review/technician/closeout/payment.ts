import { paymentLinkFor } from '../../../core/clients/payments.js'
import { esc } from '../../html.js'
import { money } from '../context.js'
import { stepBar, stepForm, stepPath, type StepPage, type StepRender, type View } from './shared.js'

const SKIP_REASONS: Record<string, string> = { paid_already: 'Paid already', handled_separately: 'Handled separately', other: 'Other (say how below)' }

/** Step 6: an emailed invoice, paying now by link, or skipping with a reason; once decided, the outcome (and the link). */
export const paymentStep: StepPage = {
  step: 'payment',
  title: 'Payment',
  action: 'finish',
  async render({ call, view }: StepRender) {
    const total = money(view.work.totals.total_cents, view.work.totals.currency)
    const closed = `<p class="ok">Ticket #${esc(view.ticket.number)} is complete.</p>${resultText(view)}`
    if (view.payment) return stepBar(view, 'payment') + closed + await decided(call, view)
    return stepBar(view, 'payment') + closed + stepForm(call.session, view.ticket_id, 'payment', `
<p>Amount: <strong>${esc(total)}</strong></p>
<button name="payment" value="send_invoice">Send invoice by email</button>
<button name="payment" value="pay_now" class="alt">Take payment now</button>
<div class="card"><label>Skip payment because<select name="skip_reason"><option value="">Choose a reason…</option>${Object.entries(SKIP_REASONS).map(([v, l]) => `<option value="${v}">${l}</option>`).join('')}</select></label>
<label>Note<input type="text" name="note" maxlength="500" data-redact></label>
<button name="payment" value="skip" class="alt">Skip payment</button></div>`)
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
  after: (_posted, saved) => (saved.payment?.choice === 'pay_now' ? stepPath(saved.ticket_id, 'payment') : `/today?closed=${saved.ticket.number}`),
}

function resultText(view: View): string {
  const r = view.result ?? {}
  if (r.next_ticket) return `<p>Next visit booked: ticket #${esc(r.next_ticket.number)}.</p>`
  if (r.reach_out) return `<p>We will reach out to ${esc(view.ticket.contact_name)} on ${esc(String(r.reach_out.send_at).slice(0, 10))}.</p>`
  return ''
}

async function decided(call: StepRender['call'], view: View): Promise<string> {
  const p = view.payment
  const back = `<a class="btn" href="/today?closed=${esc(view.ticket.number)}">Back to Today</a>`
  if (p.choice === 'pay_now' && p.invoice) {
    const due = `<p>Invoice ${esc(p.invoice.number)}: ${esc(money(p.invoice.amount_due_cents, p.invoice.currency))} due.</p>`
    if (!call.services.payments) return `${due}<p class="warn">Online payments are off for this business: take payment the usual way; the invoice stays open.</p>${back}`
    let link: string | null
    try {
      link = await paymentLinkFor(call.services, call.session.tenantId, p.invoice.id)
    } catch (err) {
      // The payment provider is away; the decision is saved, so reloading this page tries again.
      return `${due}<p class="err">The payment page could not be made right now (${esc(err instanceof Error ? err.message : String(err))}).</p>
<a class="btn alt" href="${esc(stepPath(view.ticket_id, 'payment'))}">Try again</a>${back}`
    }
    return `${due}${link
      ? `<p><a class="btn" href="${esc(link)}" rel="noreferrer">Open the payment page</a></p><p class="muted">Hand the phone to the customer, or read out: ${esc(link)}</p>`
      : '<p class="muted">Nothing is left to pay on this invoice.</p>'}${back}`
  }
  if (p.choice === 'send_invoice') return `<p>Invoice ${esc(p.invoice?.number ?? '')} will be emailed to the customer.</p>${back}`
  return `<p>Payment skipped: ${esc(SKIP_REASONS[p.skip_reason] ?? p.skip_reason)}${p.note ? ` (${esc(p.note)})` : ''}.</p>${back}`
}
