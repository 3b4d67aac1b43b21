import { Router, type Response } from 'express'
import type { z } from 'zod'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery, callQueryAll } from '../../../core/kernel/call-query.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import type { Services } from '../../../core/kernel/context.js'
import { recordPayment, voidInvoice } from '../../../core/domains/invoices/actions.js'
import { invoicesQuery } from '../../../core/domains/invoices/queries.js'
import { sendInvoice } from '../../../core/domains/invoices/send-actions.js'
import { scheduledMessagesQuery } from '../../../core/domains/messages/queries.js'
import { localDate, zonedInstant } from '../../../core/vocabulary/time.js'
import { documentsQuery } from '../../../core/domains/documents/queries.js'
import { form, html, type SafeHtml } from '../../html.js'
import { documentList, documentUploadForm } from '../documents/document-views.js'
import { sendOwnerPage } from '../owner-page.js'
import { newInvoiceRoutes } from './new-invoice.js'
import { recordLines } from '../capability-parts.js'
import { type Missing, readOrNotFound, sendNotFound } from '../not-found.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import {
  TOP_FIELD,
  amountRefused,
  businessFormat,
  doneLine,
  field,
  fieldError,
  fieldErrorsOf,
  money,
  type BusinessFormat,
} from '../../form-kit.js'
import { parseAmountCents } from '../../../core/vocabulary/money.js'

type Invoice = z.output<typeof invoicesQuery.record>

/** What the invoice page may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  uploaded: 'File uploaded.',
  created: 'Invoice created as a draft.',
  sent: 'The invoice is on its way to the customer.',
  paid: 'Payment recorded.',
  voided: 'The invoice is void.',
}

/** What the owner typed into the payment form, shown again when it was refused. */
interface PaymentTyped {
  amount: string
  method: string
  date: string
  note: string
}

/** One invoice: lines, tax, totals, payments, customer, pay link and emails; send it, record a payment, void it. */
export function invoicePages(services: Services): Router {
  const router = Router()
  // Before /invoices/:id, which would read "new" as an id.
  router.use(newInvoiceRoutes(services, showInvoice))

  router.get(
    '/invoices/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      await showInvoice(services, session, res, req.params.id, { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.get(
    '/invoices/:id/void',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const invoice = await readInvoice(caller, req.params.id, res)
      if (!invoice) return
      const format = await businessFormat(caller)
      sendOwnerPage(res, `Void invoice ${invoice.number}?`, voidForm(invoice, format, session.csrfToken, ''))
    }),
  )

  router.post(
    '/invoices/:id/send',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      onError((err) => {
        return showInvoice(services, session, res, req.params.id, { status: err.status, error: `Nothing was sent. ${err.message}` })
      })
      await callAction(callerOf(services, session, res), sendInvoice, { invoice_id: req.params.id })
      res.redirect(303, `/invoices/${encodeURIComponent(req.params.id)}?done=sent`)
    }),
  )

  router.post(
    '/invoices/:id/payment',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const typed: PaymentTyped = {
        amount: field(req.body, 'amount'),
        method: field(req.body, 'method'),
        date: field(req.body, 'date'),
        note: field(req.body, 'note'),
      }
      onError((err) => {
        return showInvoice(services, session, res, req.params.id, {
          status: err.status,
          error: `The payment was not recorded. ${err.message}`,
          payment: { typed, problems: fieldErrorsOf(err, TOP_FIELD) },
        })
      })
      const cents = parseAmountCents(typed.amount)
      if (cents === null) throw amountRefused('amount_cents', typed.amount)
      const { timezone } = await businessFormat(caller)
      await callAction(caller, recordPayment, {
        invoice_id: req.params.id,
        amount_cents: cents,
        method: typed.method as 'cash',
        reference: typed.note || undefined,
        received_at: receivedAt(typed.date, timezone, services.now()),
      })
      res.redirect(303, `/invoices/${encodeURIComponent(req.params.id)}?done=paid`)
    }),
  )

  router.post(
    '/invoices/:id/void',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const reason = field(req.body, 'reason')
      onError(async (err) => {
        const invoice = err.code === 'NOT_FOUND' ? null : await readInvoice(caller, req.params.id, res)
        if (!invoice) return err.code === 'NOT_FOUND' ? sendNotFound(res, MISSING_INVOICE) : undefined
        return sendOwnerPage(
          res,
          `Void invoice ${invoice.number}?`,
          voidForm(invoice, await businessFormat(caller), session.csrfToken, reason, fieldErrorsOf(err, TOP_FIELD)),
          { status: err.status, error: `The invoice was not voided. ${err.message}` },
        )
      })
      await callAction(caller, voidInvoice, { invoice_id: req.params.id, reason: reason || undefined })
      res.redirect(303, `/invoices/${encodeURIComponent(req.params.id)}?done=voided`)
    }),
  )

  return router
}

/** When the money came: now for today, else midday of the typed date in the business's time zone; an unreadable date goes on for the action to refuse. */
function receivedAt(date: string, timezone: string, now: Date): string | undefined {
  if (!date || date === localDate(now, timezone)) return undefined
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? zonedInstant(date, '12:00', timezone).toISOString() : date
}

/** The invoice by id with everything the page shows, or the 404 page (another business's id included). */
async function readInvoice(caller: Caller, id: string, res: Response): Promise<Invoice | null> {
  return readOrNotFound(res, MISSING_INVOICE, () =>
    callQuery(caller, invoicesQuery, { id, include: ['line_items', 'payments', 'contact', 'ticket', 'pay_link'] }),
  )
}

/** No invoice by that id in the business. */
const MISSING_INVOICE: Missing = {
  title: 'Invoice not found',
  sentence: 'There is no such invoice in your business.',
  back: { href: '/invoices', label: 'All invoices' },
}

/** Sends the invoice page, with a status line or the refused payment form as the owner typed it. */
async function showInvoice(
  services: Services,
  session: SessionPrincipal,
  res: Response,
  id: string,
  opts: { status?: number; ok?: string; error?: string; payment?: { typed: PaymentTyped; problems: Map<string, string> } },
): Promise<void> {
  const caller = callerOf(services, session, res)
  const invoice = await readInvoice(caller, id, res)
  if (!invoice) return
  const format = await businessFormat(caller)
  const emails = await callQueryAll(caller, scheduledMessagesQuery, { params: { invoice_id: invoice.id } })
  const documents = await callQuery(caller, documentsQuery, { params: { invoice_id: invoice.id }, limit: 25 })
  const csrf = session.csrfToken
  const capabilityLines = (await recordLines(caller, { kind: 'invoice', id: invoice.id }))({ csrf, back: `/invoices/${invoice.id}` })
  const open = invoice.status !== 'void' && invoice.status !== 'paid'
  const typed = opts.payment?.typed ?? { amount: '', method: 'cash', date: localDate(services.now(), format.timezone), note: '' }
  const problems = opts.payment?.problems ?? new Map<string, string>()
  const lines = invoice.line_items ?? []
  const payments = invoice.payments ?? []
  const body = html`<p class="wrap">${invoice.contact ? html`<a href="/customers/${invoice.contact_id}">${invoice.contact.display_name}</a>` : ''} · <b>${
    invoice.is_overdue ? 'overdue' : invoice.status.replace('_', ' ')
  }</b>${invoice.ticket ? html` · job #${invoice.ticket.number}` : ''}</p>
<p class="note">Issued ${invoice.issued_on} · due ${invoice.due_on}${invoice.terms ? ` · ${invoice.terms}` : ''}${
    invoice.voided_at
      ? ` · voided ${formatInstant(invoice.voided_at, format.timezone)}${invoice.void_reason ? `: ${invoice.void_reason}` : ''}`
      : ''
  }</p>
${capabilityLines}
${invoice.notes ? html`<p class="pre">${invoice.notes}</p>` : ''}
<h2>Items</h2><table class="lines"><tr><th>Item</th><th class="r">Qty</th><th class="r">Amount</th></tr>${lines.map(
    (l) =>
      html`<tr><td>${l.description}${
        l.quantity > 1 ? html`<br><span class="muted">${money(l.unit_price_cents, format)} each</span>` : ''
      }</td><td class="num">${l.quantity}</td><td class="num">${money(l.price_cents, format)}</td></tr>`,
  )}
<tr><td colspan="2">Subtotal</td><td class="num">${money(invoice.subtotal_cents, format)}</td></tr>
<tr><td colspan="2">Tax</td><td class="num">${money(invoice.tax_cents, format)}</td></tr>
<tr><th colspan="2">Total</th><th class="num">${money(invoice.total_cents, format)}</th></tr>
<tr><td colspan="2">Paid</td><td class="num">${money(invoice.amount_paid_cents, format)}</td></tr>
<tr><th colspan="2">Balance</th><th class="num">${money(invoice.amount_due_cents, format)}</th></tr></table>
${invoice.credit_cents > 0 ? html`<p class="warn">${money(invoice.credit_cents, format)} received beyond what is due: to refund.</p>` : ''}
<h2>Payments</h2>${
    payments.length
      ? html`<ul>${payments.map(
          (p) =>
            html`<li>${money(p.amount_cents, format)} ${p.method} · ${formatInstant(
              p.received_at,
              format.timezone,
            )}${p.reference ? html` · ${p.reference}` : ''}</li>`,
        )}</ul>`
      : html`<p class="note">No payments yet.</p>`
  }
<h2>Online payment</h2><p class="note">${
    invoice.pay_link
      ? `Payment link made ${formatInstant(invoice.pay_link.created_at, format.timezone)}; ${
          invoice.pay_link.last_opened_at
            ? `last opened by the customer ${formatInstant(invoice.pay_link.last_opened_at, format.timezone)}`
            : 'not opened yet'
        }.`
      : 'No payment link yet: it is made when the invoice is emailed with online payments on.'
  }</p>
<h2>Emails</h2>${
    emails.length
      ? html`<ul>${emails.map((m) => html`<li>${m.kind.replace(/_/g, ' ')} · ${m.status} · ${formatInstant(m.send_at, format.timezone)}${m.status !== 'sent' && m.last_error ? ` · ${m.last_error}` : ''}</li>`)}</ul>`
      : html`<p class="note">No emails about this invoice.</p>`
  }
<h2 id="files">Files</h2>${documentList(documents.items, format.timezone)}
<details><summary>Upload a file</summary>${documentUploadForm(`/invoices/${invoice.id}/documents`, csrf)}</details>
${open ? form(`/invoices/${invoice.id}/send`, csrf, html`<button>${invoice.sent_at ? 'Send again' : 'Send to customer'}</button>`) : ''}
${open && invoice.amount_due_cents > 0 ? paymentForm(invoice, typed, problems, csrf) : ''}
${invoice.status !== 'void' ? html`<p><a href="/invoices/${invoice.id}/void">Void this invoice</a></p>` : ''}
<p><a href="/invoices">All invoices</a></p>`
  sendOwnerPage(res, `Invoice ${invoice.number}`, body, { status: opts.status, ok: opts.ok, error: opts.error })
}

/** Record a payment: amount, method, date (business time zone) and a note such as the check number. */
function paymentForm(invoice: Invoice, typed: PaymentTyped, problems: Map<string, string>, csrf: string): SafeHtml {
  return html`<h2>Record a payment</h2>${form(
    `/invoices/${invoice.id}/payment`,
    csrf,
    html`
<label>Amount ($)<input name="amount" inputmode="decimal" required value="${typed.amount}">${fieldError(problems, 'amount_cents', 'inline')}</label>
<label>Method<select name="method">${['cash', 'check', 'other'].map((m) => html`<option${typed.method === m ? html` selected` : ''}>${m}</option>`)}</select>${fieldError(problems, 'method', 'inline')}</label>
<label>Date received<input type="date" name="date" value="${typed.date}">${fieldError(problems, 'received_at', 'inline')}</label>
<label>Note (optional, e.g. check number)<input name="note" maxlength="200" value="${typed.note}">${fieldError(problems, 'reference', 'inline')}</label>
<button>Record payment</button>`,
  )}`
}

/** The confirm step of voiding: what voiding does, the reason, and the button. */
function voidForm(invoice: Invoice, format: BusinessFormat, csrf: string, reason: string, problems = new Map<string, string>()): SafeHtml {
  return html`<p class="wrap">${invoice.number} for ${invoice.contact?.display_name ?? 'the customer'} · total ${money(invoice.total_cents, format)}, paid ${money(invoice.amount_paid_cents, format)}.</p>
<p class="note">A void invoice stays on record with its number and payments; nothing is due on it any more. This cannot be undone.</p>
${form(
  `/invoices/${invoice.id}/void`,
  csrf,
  html`<label>Reason${invoice.amount_paid_cents > 0 ? '' : ' (optional)'}<textarea name="reason" maxlength="500">${reason}</textarea>${fieldError(
    problems,
    'reason',
    'inline',
  )}</label><button class="deny">Void invoice</button>`,
)}
<p><a href="/invoices/${invoice.id}">Keep it</a></p>`
}
