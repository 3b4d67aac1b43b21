import { Router } from 'express'
import type { z } from 'zod'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { createInvoiceFromTicket } from '../../../core/domains/invoices/actions.js'
import { invoicesQuery } from '../../../core/domains/invoices/queries.js'
import { receivablesQuery } from '../../../core/domains/invoices/receivables.js'
import { unbilledWorkQuery } from '../../../core/domains/tickets/unbilled.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import { form, html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { statusTabs } from '../../list-tabs.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { businessFormat, type BusinessFormat, doneLine, field, money } from '../../form-kit.js'

/** Invoices shown per page. */
const PAGE_SIZE = 25

/** The list's tabs: what each shows, as the registered invoices query's filters. */
const TABS: Record<string, { label: string; params: z.input<typeof invoicesQuery.params> }> = {
  open: { label: 'Open', params: { status: 'open' } },
  overdue: { label: 'Overdue', params: { overdue: 'true' } },
  paid: { label: 'Paid', params: { status: 'paid' } },
  draft: { label: 'Draft', params: { status: 'draft' } },
  void: { label: 'Void', params: { status: 'void' } },
  all: { label: 'All', params: {} },
}

/** The status words an invoice shows. */
const STATUS_WORDS: Record<string, string> = {
  draft: 'draft',
  sent: 'sent',
  paid: 'paid',
  partially_paid: 'part paid',
  overdue: 'overdue',
  void: 'void',
}

type Invoice = z.output<typeof invoicesQuery.record>

/** The owner's invoices: totals owed and overdue, tabs by status, a customer filter, and finished jobs still to bill. */
export function invoicesPages(services: Services): Router {
  const router = Router()

  router.get(
    '/invoices',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const format = await businessFormat(caller)
      const tab = typeof req.query.status === 'string' ? req.query.status : 'open'
      const customer = typeof req.query.customer === 'string' ? req.query.customer.trim() : ''
      const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined
      if (!Object.hasOwn(TABS, tab)) {
        return sendOwnerPage(res, 'Invoices', html`${tabs('open', '')}`, {
          status: 400,
          error: `status: expected one of ${Object.keys(TABS).join(', ')}`,
        })
      }
      const owed = (await callQuery(caller, receivablesQuery, { limit: 10 })).items
      // One record per currency owed in; nothing owed is no record.
      const totals = owed.find((r) => r.currency === format.currency) ??
        owed[0] ?? { owed_cents: 0, owed_count: 0, overdue_cents: 0, overdue_count: 0 }
      onError((err) => {
        return sendOwnerPage(res, 'Invoices', html`${tabs(tab, customer)}${filterForm(tab, customer)}`, {
          status: err.status,
          error: err.message,
        })
      })
      const list: { items: Invoice[]; next_cursor: string | null } = await callQuery(caller, invoicesQuery, {
        params: { ...TABS[tab].params, customer: customer || undefined },
        include: ['contact'],
        limit: PAGE_SIZE,
        cursor,
      })
      const unbilled =
        tab === 'open' && !cursor
          ? (await callQuery(caller, unbilledWorkQuery, { params: { reason: 'not_invoiced' }, limit: 10 })).items
          : []
      const keep = { status: tab, ...(customer ? { customer } : {}) }
      const more = list.next_cursor
        ? html`<p class="row pager">${cursor ? html`<a href="/invoices?${new URLSearchParams(keep).toString()}">First page</a>` : ''}<a href="/invoices?${new URLSearchParams(
            { ...keep, cursor: list.next_cursor },
          ).toString()}">Next ${PAGE_SIZE}</a></p>`
        : cursor
          ? html`<p><a href="/invoices?${new URLSearchParams(keep).toString()}">First page</a></p>`
          : ''
      sendOwnerPage(
        res,
        'Invoices',
        html`<p><a class="button" href="/invoices/new${customer ? `?q=${encodeURIComponent(customer)}` : ''}">New invoice</a></p>
<p><a href="/recurring-invoices">Recurring invoices</a> <span class="muted">that issue themselves every month, quarter or year</span> ·
<a href="/plans">Service plans</a> · <a href="/payments/failed">Failed payments</a></p>
<p class="total">Owed ${money(totals.owed_cents, format)} <span class="muted">(${totals.owed_count} open)</span><br>
Overdue <b>${money(totals.overdue_cents, format)}</b> <span class="muted">(${totals.overdue_count})</span></p>
${tabs(tab, customer)}${filterForm(tab, customer)}
${list.items.length ? list.items.map((i) => invoiceCard(i, format)) : html`<p class="note">No ${TABS[tab].label.toLowerCase()} invoices${customer ? ' for that customer' : ''}.</p>`}${more}
${
  unbilled.length
    ? html`<h2>Finished jobs not invoiced</h2>${unbilled.map(
        (t) => html`<div class="card">Job #${t.number} · ${t.contact_name}
<p class="note">Closed ${t.closed_at ? formatInstant(t.closed_at, format.timezone) : ''} · ${money(t.totals.total_cents, format)}</p>${form(
          '/invoices/from-ticket',
          session.csrfToken,
          html`<input type="hidden" name="ticket_id" value="${t.id}"><button class="small">Create invoice for job #${t.number}</button>`,
        )}</div>`,
      )}`
    : ''
}
<p><a href="/quotes">Quotes</a> · <a href="/orders">Orders</a></p>`,
        { ok: doneLine(req.query.done, { created: 'Invoice created.' }) },
      )
    }),
  )

  router.post(
    '/invoices/from-ticket',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      onError((err) => {
        return sendOwnerPage(res, 'Invoices', html`<p><a href="/invoices">Back to invoices</a></p>`, {
          status: err.status,
          error: `No invoice was created. ${err.message}`,
        })
      })
      const created = await callAction(callerOf(services, session, res), createInvoiceFromTicket, {
        ticket_id: field(req.body, 'ticket_id'),
      })
      if (created.queued) return res.redirect(303, '/invoices')
      res.redirect(303, `/invoices/${encodeURIComponent(created.result.id)}?done=created`)
    }),
  )

  return router
}

/** The status tabs as links; the current one is marked for screen readers too. */
function tabs(current: string, customer: string): SafeHtml {
  return statusTabs('Invoice status', '/invoices', TABS, current, customer ? { customer } : {})
}

/** The customer filter: a GET form, so it works without JavaScript and the address can be kept. */
function filterForm(tab: string, customer: string): SafeHtml {
  return html`<form method="get" action="/invoices" class="row"><input type="hidden" name="status" value="${tab}">
<label>Customer<input name="customer" value="${customer}" autocomplete="off"></label><button class="small">Filter</button></form>`
}

/** One invoice in the list: number (a link), customer, dates, total, balance and status. */
function invoiceCard(i: Invoice, format: BusinessFormat): SafeHtml {
  const status = i.is_overdue && i.status !== 'overdue' ? `${STATUS_WORDS[i.status]}, overdue` : STATUS_WORDS[i.status]
  return html`<div class="card"><a href="/invoices/${i.id}"><b>${i.number}</b></a> · ${i.contact?.display_name ?? ''} <span class="${
    i.is_overdue ? 'err' : 'muted'
  }">${status}</span>
<p class="note">Issued ${i.issued_on} · due ${i.due_on}</p><p>Total ${money(i.total_cents, format)} · balance <b>${money(i.amount_due_cents, format)}</b></p></div>`
}
