import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { requestCard, retryCardCharge } from '../../../core/domains/autopay/actions.js'
import { allowCharge } from '../../../core/domains/autopay/allow-charge.js'
import { cardChargesQuery, chargesToAllowQuery } from '../../../core/domains/autopay/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { businessFormat, doneLine, field, money } from '../../form-kit.js'
import { form, html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** What the page may say after a change. */
const DONE: Record<string, string> = {
  retry: 'It is charged again within a minute.',
  asked: 'The customer is emailed a link to save another card; it is charged once they do.',
  allowed: 'Autopay charges it on its due date, after emailing the customer the amount, the card and the day.',
}

/** Why a try failed, in the owner's words. */
function whyWords(c: { status: string; code: string | null; decline_code: string | null; message: string | null }): string {
  if (c.status === 'needs_customer') return 'Their bank wants them to confirm it; they were emailed the pay link'
  const code = c.decline_code ?? c.code
  return `Declined${code ? ` (${code.replace(/_/g, ' ')})` : ''}${c.message ? `: ${c.message}` : ''}`
}

/** Failed card payments: each invoice whose latest try failed and that still owes, with Charge again and Ask for a new card. */
export function failedPaymentPages(services: Services): Router {
  const router = Router()

  router.get(
    '/payments/failed',
    ownerRoute(services, async ({ req, res, session }) => {
      await sendFailed(res, session, callerOf(services, session, res), { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/payments/failed/:step',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      try {
        if (req.params.step === 'retry') await callAction(caller, retryCardCharge, { invoice_id: field(req.body, 'invoice_id') })
        else if (req.params.step === 'allow') await callAction(caller, allowCharge, { invoice_id: field(req.body, 'invoice_id') })
        else
          await callAction(caller, requestCard, {
            contact_id: field(req.body, 'contact_id'),
            invoice_id: field(req.body, 'invoice_id'),
            note: 'We could not charge your saved card. Please save a card that works, and we will charge it instead.',
          })
        const done = req.params.step === 'retry' ? 'retry' : req.params.step === 'allow' ? 'allowed' : 'asked'
        res.redirect(303, `/payments/failed?done=${done}`)
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        await sendFailed(res, session, caller, { error: `Nothing was done. ${err.message}`, status: err.status })
      }
    }),
  )

  return router
}

async function sendFailed(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  opts: { ok?: string; error?: string; status?: number },
) {
  const failing = (await callQuery(caller, cardChargesQuery, { params: { failing: 'true' }, limit: 100 })).items
  const waiting = (await callQuery(caller, chargesToAllowQuery, { params: {}, limit: 100 })).items
  const format = await businessFormat(caller)
  const csrf = session.csrfToken
  const toAllow = waiting.length
    ? html`<h2>Waiting for you</h2><p class="muted">An agent set what these invoices ask, so autopay does not charge them until you allow it. Allowing emails the customer the amount, the card and the day first.</p>${waiting.map(
        (
          c,
        ) => html`<div class="card"><a href="/customers/${c.contact_id}"><b>${c.customer_name}</b></a> · <a href="/invoices/${c.invoice_id}">${c.invoice_number}</a>
<div>${money(c.amount_due_cents, format)} due ${c.due_on} · ${c.card}</div>
${form('/payments/failed/allow', csrf, html`<input type="hidden" name="invoice_id" value="${c.invoice_id}"><button aria-label="Allow autopay to charge ${c.customer_name}">Allow the charge</button>`)}</div>`,
      )}<h2>Failed</h2>`
    : ''
  sendOwnerPage(
    res,
    'Failed payments',
    html`${toAllow}<p class="muted">Card payments that were declined or wait for the customer, on invoices that still owe. Declined cards are tried again 1, 3 and 5 days after the first try.</p>${
      failing.length
        ? failing.map(
            (
              c,
            ) => html`<div class="card"><a href="/customers/${c.contact_id}"><b>${c.customer_name}</b></a> · <a href="/invoices/${c.invoice_id}">${c.invoice_number}</a>
<div>${money(c.amount_due_cents, format)} still due · ${c.card} · try ${String(c.attempt)}</div><p class="wrap">${whyWords(c)}</p>
<p class="muted">${c.retry_on ? `Next try ${c.retry_on}` : 'No more tries: ask for a new card, or collect it another way'}</p>
${c.status === 'declined' ? form('/payments/failed/retry', csrf, html`<input type="hidden" name="invoice_id" value="${c.invoice_id}"><button class="second" aria-label="Charge ${c.customer_name} again">Charge again</button>`) : ''}
${form('/payments/failed/ask', csrf, html`<input type="hidden" name="invoice_id" value="${c.invoice_id}"><input type="hidden" name="contact_id" value="${c.contact_id}"><button class="alt" aria-label="Ask ${c.customer_name} for a new card">Ask for a new card</button>`)}</div>`,
          )
        : html`<p class="note">No failed payments.</p>`
    }`,
    opts,
  )
}
