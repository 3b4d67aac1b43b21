import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { cardChargesQuery } from '../../../core/domains/autopay/queries.js'
import { refundPayment } from '../../../core/domains/invoices/refund-action.js'
import {
  cancelCustomerPlan,
  changeCustomerPlanPrice,
  pauseCustomerPlan,
  resumeCustomerPlan,
  sendCustomerPlan,
} from '../../../core/domains/plans/customer-plan-actions.js'
import type { CustomerPlan } from '../../../core/domains/plans/model.js'
import { customerPlansQuery } from '../../../core/domains/plans/queries.js'
import { recurringInvoicesQuery } from '../../../core/domains/recurring-invoices/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { parseAmountCents } from '../../../core/vocabulary/money.js'
import { CYCLE_WORDS, planPriceWords } from '../../../core/vocabulary/plan-cycles.js'
import { amountRefused, businessFormat, type BusinessFormat, doneLine, field, money } from '../../form-kit.js'
import { form, html, type SafeHtml } from '../../html.js'
import { type Missing, readOrNull, sendNotFound } from '../not-found.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** What the page may say after a change. */
const DONE: Record<string, string> = {
  offered: 'Offered. Send it to the customer to accept.',
  sent: 'Sent: the customer gets a link to accept it and save a card.',
  price: 'The new price applies from the next invoice.',
  paused: 'Paused: no visits and no invoices until you resume it.',
  resumed: 'Resumed.',
  cancelled: 'Cancelled: no more visits or invoices.',
  refunded: 'Refunded.',
}

/** No customer plan by that id in the business. */
const MISSING: Missing = {
  title: 'Plan not found',
  sentence: 'There is no such customer plan in your business.',
  back: { href: '/plans', label: 'Service plans' },
}

/** A customer's plan: its visits done and left, its payments, next charge and card; send, change price, pause, resume, cancel, refund. */
export function customerPlanPages(services: Services): Router {
  const router = Router()

  router.get(
    '/customer-plans/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      await sendCustomerPlanPage(res, session, callerOf(services, session, res), String(req.params.id), {
        ok: doneLine(req.query.done, DONE),
      })
    }),
  )

  router.post(
    '/customer-plans/:id/:step',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const id = String(req.params.id)
      const back = (done: string) => res.redirect(303, `/customer-plans/${id}?done=${done}`)
      try {
        switch (req.params.step) {
          case 'send':
            await callAction(caller, sendCustomerPlan, { customer_plan_id: id })
            return back('sent')
          case 'price': {
            const cents = parseAmountCents(field(req.body, 'price'))
            if (cents === null) throw amountRefused('price_cents', field(req.body, 'price'))
            await callAction(caller, changeCustomerPlanPrice, { customer_plan_id: id, price_cents: cents })
            return back('price')
          }
          case 'pause':
            await callAction(caller, pauseCustomerPlan, { customer_plan_id: id })
            return back('paused')
          case 'resume':
            await callAction(caller, resumeCustomerPlan, { customer_plan_id: id })
            return back('resumed')
          case 'cancel':
            await callAction(caller, cancelCustomerPlan, {
              customer_plan_id: id,
              ...(field(req.body, 'note') ? { note: field(req.body, 'note') } : {}),
            })
            return back('cancelled')
          case 'refund': {
            const cents = parseAmountCents(field(req.body, 'amount'))
            if (cents === null) throw amountRefused('amount_cents', field(req.body, 'amount'))
            await callAction(caller, refundPayment, {
              invoice_id: field(req.body, 'invoice_id'),
              payment_id: field(req.body, 'payment_id'),
              amount_cents: cents,
            })
            return back('refunded')
          }
          default:
            return sendNotFound(res, MISSING)
        }
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        await sendCustomerPlanPage(res, session, caller, id, { error: `Nothing was changed. ${err.message}`, status: err.status })
      }
    }),
  )

  return router
}

/** The page of one customer's plan. */
async function sendCustomerPlanPage(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  id: string,
  opts: { ok?: string; error?: string; status?: number },
) {
  const plan = await readOrNull(id, async () => (await callQuery(caller, customerPlansQuery, { id })) as CustomerPlan)
  if (!plan) return sendNotFound(res, MISSING)
  const format = await businessFormat(caller)
  const billing = (await callQuery(caller, recurringInvoicesQuery, { params: { customer_plan_id: id }, limit: 1 })).items[0]
  const failing = (await callQuery(caller, cardChargesQuery, { params: { contact_id: plan.contact_id, failing: 'true' }, limit: 20 })).items
  const csrf = session.csrfToken
  const base = `/customer-plans/${id}`
  const live = ['active', 'paused'].includes(plan.status)
  const open = ['proposed', 'sent'].includes(plan.status)
  const invoices = billing?.invoices ?? []
  const each = CYCLE_WORDS[plan.cycle]
  sendOwnerPage(
    res,
    `${plan.name}: ${plan.customer_name}`,
    html`<p><a href="/customers/${plan.contact_id}">${plan.customer_name}</a> · <a href="/plans/${plan.plan_id}">${plan.name}</a></p>
<div class="card"><dl class="facts"><dt>Status</dt><dd>${plan.status}</dd><dt>Price</dt><dd>${planPriceWords(plan)}</dd>
<dt>Includes</dt><dd>${plan.includes.map((i) => `${i.service_name}: ${i.visits} a ${each}`).join(' · ')}</dd>
<dt>Visits this term</dt><dd>${String(plan.visits_done)} done, ${String(plan.visits_left)} to go (the term began ${plan.term_starts_on})</dd>
<dt>Next charge</dt><dd>${plan.next_charge_on ?? 'none'}</dd><dt>Card</dt><dd>${plan.card ?? 'none saved: invoices are emailed to pay by link'}</dd>
${plan.accepted_at ? html`<dt>Accepted</dt><dd>${new Date(plan.accepted_at).toISOString().slice(0, 10)}</dd>` : ''}</dl>
${plan.mandate_text ? html`<p class="note">They agreed: ${plan.mandate_text}</p>` : ''}</div>
${failing.length ? html`<p class="warn">A card payment failed: <a href="/payments/failed">Failed payments</a></p>` : ''}
<h2>Payments</h2>${
      invoices.length
        ? html`<table><thead><tr><th scope="col">Invoice</th><th scope="col">Period</th><th scope="col">Status</th><th scope="col" class="r">Still due</th></tr></thead><tbody>${invoices.map(
            (i) =>
              html`<tr><td><a href="/invoices/${i.id}">${i.number}</a></td><td>${String(i.period_start)}</td><td>${i.status}</td><td class="num">${money(i.amount_due_cents, format)}</td></tr>`,
          )}</tbody></table>`
        : html`<p class="note">No invoice yet.</p>`
    }
${open ? form(`${base}/send`, csrf, html`<button>${plan.status === 'sent' ? 'Send again' : 'Send to accept'}</button>`) : ''}
${live || open ? priceForm(plan, base, csrf) : ''}
${plan.status === 'active' ? form(`${base}/pause`, csrf, html`<button class="alt">Pause</button>`) : ''}
${plan.status === 'paused' ? form(`${base}/resume`, csrf, html`<button>Resume</button>`) : ''}
${live || open ? html`<details><summary>Cancel the plan</summary>${form(`${base}/cancel`, csrf, html`<label>Why (for your records)<input name="note" maxlength="1000"></label><button class="deny">Cancel the plan</button>`)}</details>` : ''}
${plan.status === 'cancelled' ? refundForms(plan, base, csrf, format) : ''}`,
    opts,
  )
}

/** Change price: the owner's, from the next invoice on. */
function priceForm(plan: CustomerPlan, base: string, csrf: string): SafeHtml {
  return html`<details><summary>Change the price</summary>${form(
    `${base}/price`,
    csrf,
    html`<label>Price each cycle<input name="price" inputmode="decimal" required value="${(plan.price_cents / 100).toFixed(2)}"></label><button>Save the price</button>`,
  )}</details>`
}

/** After cancelling: what the plan's invoices still owe, and a Refund for each payment of its last period. */
function refundForms(plan: CustomerPlan, base: string, csrf: string, format: BusinessFormat): SafeHtml {
  return html`<h2>Settling up</h2><p>Still owed on its invoices: ${money(plan.still_owed_cents, format)}.</p>${plan.refundable.map((p) =>
    form(
      `${base}/refund`,
      csrf,
      html`<input type="hidden" name="invoice_id" value="${p.invoice_id}"><input type="hidden" name="payment_id" value="${p.payment_id}">
<label>Refund of ${p.number} (paid ${money(p.amount_cents, format)})<input name="amount" inputmode="decimal" value="${(p.amount_cents / 100).toFixed(2)}"></label><button class="alt">Refund</button>`,
    ),
  )}`
}
