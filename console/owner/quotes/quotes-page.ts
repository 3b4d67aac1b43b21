import { Router, type Response } from 'express'
import type { z } from 'zod'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { documentsQuery } from '../../../core/domains/documents/queries.js'
import { cancelQuote, createQuote } from '../../../core/domains/quotes/actions.js'
import { quotesQuery } from '../../../core/domains/quotes/queries.js'
import { sendQuote } from '../../../core/domains/quotes/send-actions.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import type { AppError } from '../../../core/kernel/errors.js'
import { form, html, type SafeHtml } from '../../html.js'
import { customerChoice, customerSearch, pickCustomer } from '../contacts/customer-picker.js'
import { documentList, documentUploadForm } from '../documents/document-views.js'
import { sendOwnerPage } from '../owner-page.js'
import { askedTab, nextPageLink, statusTabs } from '../../list-tabs.js'
import { type Missing, readOrNull, sendNotFound } from '../not-found.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { businessFormat, doneLine, field, money, type BusinessFormat } from '../../form-kit.js'

/** Quotes shown per page. */
const PAGE_SIZE = 25

/** Catalog lines the new-quote form offers; a longer quote is made by the agent or the API. */
const FORM_LINES = 4

/** The list's tabs, as the registered quotes query's status filter. */
const TABS: Record<string, { label: string; status?: z.input<typeof quotesQuery.params>['status'] }> = {
  sent: { label: 'Sent', status: 'sent' },
  draft: { label: 'Draft', status: 'draft' },
  accepted: { label: 'Accepted', status: 'accepted' },
  all: { label: 'All' },
}

type Quote = z.output<typeof quotesQuery.record>

/** The owner's quotes: a list by status, a quote's lines and totals with Send and Cancel, and a new quote from the catalog. */
export function quotesPages(services: Services): Router {
  const router = Router()

  router.get(
    '/quotes',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const format = await businessFormat(caller)
      const tab = askedTab(req.query, TABS, 'sent')
      const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined
      const list = await callQuery(caller, quotesQuery, {
        params: { status: TABS[tab].status },
        include: ['contact'],
        limit: PAGE_SIZE,
        cursor,
      })
      const more = nextPageLink('/quotes', { status: tab }, list.next_cursor, `Next ${PAGE_SIZE}`)
      sendOwnerPage(
        res,
        'Quotes',
        html`<p><a class="button" href="/quotes/new">New quote</a></p>
${statusTabs('Quote status', '/quotes', TABS, tab)}
${list.items.length ? list.items.map((q) => quoteCard(q, format)) : html`<p class="note">No ${TABS[tab].label.toLowerCase()} quotes.</p>`}${more}
<p><a href="/orders">Orders</a></p>`,
      )
    }),
  )

  router.get(
    '/quotes/new',
    ownerRoute(services, async ({ req, res, session }) => {
      const text = (name: string) => (typeof req.query[name] === 'string' ? String(req.query[name]).trim().slice(0, 200) : '')
      await newQuotePage(res, callerOf(services, session, res), session.csrfToken, text('contact_id'), text('q'))
    }),
  )

  router.post(
    '/quotes/new',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const lines = Array.from({ length: FORM_LINES }, (_, i) => ({
        service: field(req.body, `service_${i}`),
        quantity: field(req.body, `quantity_${i}`),
      }))
        .filter((l) => l.service)
        .map((l) => ({ service_id: l.service, quantity: Number(l.quantity || '1') }))
      onError(async (err) => {
        await newQuotePage(res, caller, session.csrfToken, field(req.body, 'contact_id'), field(req.body, 'q'), err)
      })
      const made = await callAction(caller, createQuote, {
        contact_id: field(req.body, 'contact_id'),
        line_items: lines,
        valid_until: field(req.body, 'valid_until') || undefined,
        notes: field(req.body, 'notes') || undefined,
      })
      res.redirect(303, `/quotes/${encodeURIComponent(String((made.result as { id: string }).id))}?done=created`)
    }),
  )

  router.get(
    '/quotes/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const q = await readQuote(caller, req.params.id)
      if (!q) return sendNotFound(res, MISSING_QUOTE)
      await quotePage(res, caller, session.csrfToken, q, {
        ok: doneLine(req.query.done, {
          created: 'Quote created.',
          sent: 'Quote sent.',
          cancelled: 'Quote cancelled.',
          uploaded: 'File uploaded.',
        }),
      })
    }),
  )

  for (const step of ['send', 'cancel'] as const) {
    router.post(
      `/quotes/:id/${step}`,
      ownerRoute(services, async ({ req, res, session, onError }) => {
        const caller = callerOf(services, session, res)
        const id = req.params.id
        onError(async (err) => {
          const q = await readQuote(caller, id)
          if (!q) return sendOwnerPage(res, 'Quote not found', html`<p><a href="/quotes">All quotes</a></p>`, { status: 404 })
          await quotePage(res, caller, session.csrfToken, q, { error: err.message, status: err.status })
        })
        if (step === 'send') await callAction(caller, sendQuote, { quote_id: id })
        else await callAction(caller, cancelQuote, { quote_id: id, reason: field(req.body, 'reason') || undefined })
        res.redirect(303, `/quotes/${encodeURIComponent(id)}?done=${step === 'send' ? 'sent' : 'cancelled'}`)
      }),
    )
  }

  return router
}

/** No quote by that id in the business. */
const MISSING_QUOTE: Missing = {
  title: 'Quote not found',
  sentence: 'There is no such quote in your business.',
  back: { href: '/quotes', label: 'All quotes' },
}

/** A quote with its lines, customer and order, or null when the business has none by that id. */
function readQuote(caller: Caller, id: string): Promise<Quote | null> {
  return readOrNull(id, () => callQuery(caller, quotesQuery, { id, include: ['line_items', 'contact', 'order'] }))
}

/** One quote: its lines and totals, status, its files, and what can be done with it now. */
async function quotePage(
  res: Response,
  caller: Caller,
  csrf: string,
  q: Quote,
  line: { ok?: string; error?: string; status?: number },
): Promise<void> {
  const format = await businessFormat(caller)
  const open = q.status === 'draft' || q.status === 'sent'
  const documents = await callQuery(caller, documentsQuery, { params: { quote_id: q.id }, limit: 25 })
  const actions = open
    ? html`${form(`/quotes/${q.id}/send`, csrf, html`<button>${q.status === 'draft' ? 'Email it to the customer' : 'Email it again'}</button>`)}
${form(`/quotes/${q.id}/cancel`, csrf, html`<label>Why cancel? (optional)<input name="reason" maxlength="500"></label><button class="deny">Cancel the quote</button>`)}`
    : ''
  sendOwnerPage(
    res,
    `Quote ${q.number}`,
    html`<div class="card"><p><b>${q.number}</b> · ${q.contact?.display_name ?? ''} · <span class="muted">${q.status}</span></p>
<p class="note">Valid until ${q.valid_until}${q.sent_at ? ' · sent' : ''}${q.customer_note ? html` · the customer wrote: ${q.customer_note}` : ''}</p>
${linesTable(q, format)}${q.notes ? html`<p>${q.notes}</p>` : ''}
${q.order ? html`<p>Order <a href="/orders/${q.order.id}">${q.order.number}</a> (${q.order.status.replace('_', ' ')})</p>` : ''}</div>
<h2 id="files">Files</h2>${documentList(documents.items, format.timezone)}
<details><summary>Upload a file</summary>${documentUploadForm(`/quotes/${q.id}/documents`, csrf)}</details>
${actions}<p><a href="/quotes">All quotes</a></p>`,
    { ok: line.ok, error: line.error, status: line.status },
  )
}

/** Each line with its price, then subtotal, tax and total. */
export function linesTable(
  q: {
    line_items?: Array<{ description: string; quantity: number; price_cents: number }>
    subtotal_cents: number
    tax_cents: number
    total_cents: number
  },
  format: BusinessFormat,
): SafeHtml {
  return html`<table><tbody>${(q.line_items ?? []).map(
    (l) => html`<tr><td>${l.description}${l.quantity > 1 ? ` × ${l.quantity}` : ''}</td>
<td class="num">${money(l.price_cents, format)}</td></tr>`,
  )}</tbody>
<tfoot><tr><td>Subtotal</td><td class="num">${money(q.subtotal_cents, format)}</td></tr><tr><td>Tax</td><td class="num">${money(q.tax_cents, format)}</td></tr>
<tr><th>Total</th><th class="r">${money(q.total_cents, format)}</th></tr></tfoot></table>`
}

/**
 * The new-quote form: the customer (chosen by id, as the customer's page links here, or found by a search that needs
 * no JavaScript), catalog lines with quantities, last day and notes. Without a customer only the search shows.
 */
async function newQuotePage(res: Response, caller: Caller, csrf: string, contactId: string, q: string, err?: AppError): Promise<void> {
  const pick = await pickCustomer(caller, contactId, q)
  const problem = err ? { error: err.message, status: err.status } : {}
  const search = pick.chosen ? '' : customerSearch('/quotes/new', pick)
  if (!pick.chosen && !pick.matches.length) {
    return sendOwnerPage(
      res,
      'New quote',
      html`${search}<p class="note">Find the customer the quote is for.</p><p><a href="/quotes">All quotes</a></p>`,
      problem,
    )
  }
  const catalog = (await callQuery(caller, servicesQuery, { limit: 100 })).items.filter(
    (s) => s.status === 'active' && s.price_cents !== null,
  )
  const format = await businessFormat(caller)
  const options = html`<option value="">(none)</option>${catalog.map((s) => html`<option value="${s.id}">${s.name} · ${money(Number(s.price_cents), format)}</option>`)}`
  const rows = Array.from(
    { length: FORM_LINES },
    (_, i) => html`<div class="row"><label>Service ${i + 1}<select name="service_${i}">${options}</select></label>
<label>Quantity<input name="quantity_${i}" type="number" min="1" max="10000" value="1" inputmode="numeric"></label></div>`,
  )
  sendOwnerPage(
    res,
    'New quote',
    html`${search}${form(
      '/quotes/new',
      csrf,
      html`${customerChoice(pick, '/quotes/new')}
${rows}<label>Valid until (default 30 days)<input name="valid_until" type="date"></label><label>Notes for the customer<textarea name="notes" rows="3" maxlength="2000"></textarea></label>
<button>Create the quote</button>`,
    )}<p><a href="/quotes">All quotes</a></p>`,
    problem,
  )
}

/** One quote in the list: number (a link), customer, status, total and last day. */
function quoteCard(q: Quote, format: BusinessFormat): SafeHtml {
  return html`<div class="card"><a href="/quotes/${q.id}"><b>${q.number}</b></a> · ${q.contact?.display_name ?? ''} <span class="muted">${q.status}</span>
<p>${money(q.total_cents, format)} <span class="note">valid until ${q.valid_until}</span></p></div>`
}
