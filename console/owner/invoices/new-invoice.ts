import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { createInvoice } from '../../../core/domains/invoices/actions.js'
import { sendInvoice } from '../../../core/domains/invoices/send-actions.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { businessFormat, field, money } from '../../form-kit.js'
import { html } from '../../html.js'
import { onceOf, postForm } from '../../technician/context.js'
import { customerChoice, customerSearch, pickCustomer } from '../contacts/customer-picker.js'
import { linesOf } from './line-fields.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** Catalog lines the form offers; a longer invoice is made by the agent or the API. */
const CATALOG_LINES = 4

/** Lines of the form's own words and price, for work the catalog does not list. */
const OWN_LINES = 2

/** Shows an invoice with a line on top, as the invoice page does: where a new invoice lands. */
export type ShowInvoice = (
  services: Services,
  session: SessionPrincipal,
  res: Response,
  id: string,
  opts: { status?: number; ok?: string; error?: string },
) => Promise<void>

/**
 * A standalone invoice (no visit): the customer, catalog lines with quantities and lines in the owner's own words, due
 * date and notes; Create makes the draft, Create and send emails it too. Mounted before /invoices/:id.
 */
export function newInvoiceRoutes(services: Services, showInvoice: ShowInvoice): Router {
  const router = Router()

  router.get(
    '/invoices/new',
    ownerRoute(services, async ({ req, res, session }) => {
      const text = (name: string) => (typeof req.query[name] === 'string' ? String(req.query[name]).trim().slice(0, 200) : '')
      await newInvoicePage(res, callerOf(services, session, res), session, text('contact_id'), text('q'))
    }),
  )

  router.post(
    '/invoices/new',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      onError(async (err) => {
        await newInvoicePage(res, caller, session, field(req.body, 'contact_id'), field(req.body, 'q'), err)
      })
      const made = await callAction(
        caller,
        createInvoice,
        {
          contact_id: field(req.body, 'contact_id'),
          line_items: linesOf(req.body, CATALOG_LINES, OWN_LINES),
          due_on: field(req.body, 'due_on') || undefined,
          notes: field(req.body, 'notes') || undefined,
        },
        { idempotencyKey: onceOf(req) },
      )
      const id = String((made.result as { id: string }).id)
      if (field(req.body, 'then') !== 'send') return res.redirect(303, `/invoices/${encodeURIComponent(id)}?done=created`)
      try {
        await callAction(caller, sendInvoice, { invoice_id: id })
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        return showInvoice(services, session, res, id, {
          status: err.status,
          error: `The invoice was created as a draft, but not sent. ${err.message}`,
        })
      }
      res.redirect(303, `/invoices/${encodeURIComponent(id)}?done=sent`)
    }),
  )

  return router
}

/**
 * The new-invoice form: the customer (chosen by id, as the customer's page links here, or found by a search that needs
 * no JavaScript), then the lines, due date and notes. Without a customer only the search shows.
 */
async function newInvoicePage(
  res: Response,
  caller: Caller,
  session: SessionPrincipal,
  contactId: string,
  q: string,
  err?: AppError,
): Promise<void> {
  const pick = await pickCustomer(caller, contactId, q)
  const problem = err ? { error: `No invoice was created. ${err.message}`, status: err.status } : {}
  const search = pick.chosen ? '' : customerSearch('/invoices/new', pick)
  if (!pick.chosen && !pick.matches.length) {
    return sendOwnerPage(
      res,
      'New invoice',
      html`${search}<p class="note">Find the customer the invoice is for.</p><p><a href="/invoices">All invoices</a></p>`,
      problem,
    )
  }
  const catalog = (await callQuery(caller, servicesQuery, { limit: 100 })).items.filter(
    (s) => s.status === 'active' && s.price_cents !== null,
  )
  const format = await businessFormat(caller)
  const options = html`<option value="">(none)</option>${catalog.map((s) => html`<option value="${s.id}">${s.name} · ${money(Number(s.price_cents), format)}</option>`)}`
  const catalogRows = Array.from(
    { length: CATALOG_LINES },
    (_, i) => html`<div class="row"><label>Service ${i + 1}<select name="service_${i}">${options}</select></label>
<label>Quantity<input name="quantity_${i}" type="number" min="1" max="10000" value="1" inputmode="numeric"></label></div>`,
  )
  const ownRows = Array.from(
    { length: OWN_LINES },
    (_, i) => html`<div class="row"><label>Other work ${i + 1}<input name="description_${i}" maxlength="500"></label>
<label>Price<input name="price_${i}" inputmode="decimal" placeholder="0.00"></label></div>`,
  )
  sendOwnerPage(
    res,
    'New invoice',
    html`${search}${postForm(
      '/invoices/new',
      session,
      html`${customerChoice(pick, '/invoices/new')}
${catalogRows}${ownRows}<label>Due on (default: your payment terms)<input name="due_on" type="date"></label><label>Notes for the customer<textarea name="notes" rows="3" maxlength="2000"></textarea></label>
<div class="row"><button name="then" value="draft" class="second">Create the draft</button><button name="then" value="send">Create and send</button></div>`,
    )}<p><a href="/invoices">All invoices</a></p>`,
    problem,
  )
}
