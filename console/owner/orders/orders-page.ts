import { Router, type Response } from 'express'
import type { z } from 'zod'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { bookOrder, fulfilOrder, invoiceOrder } from '../../../core/domains/orders/actions.js'
import { ordersQuery } from '../../../core/domains/orders/queries.js'
import { form, html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { askedTab, nextPageLink, statusTabs } from '../../list-tabs.js'
import { linesTable } from '../quotes/quotes-page.js'
import { type Missing, readOrNull, sendNotFound } from '../not-found.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { businessFormat, doneLine, field, money, type BusinessFormat } from '../../form-kit.js'

/** Orders shown per page. */
const PAGE_SIZE = 25

/** The list's tabs, as the registered orders query's status filter. */
const TABS: Record<string, { label: string; status?: z.input<typeof ordersQuery.params>['status'] }> = {
  pending_fulfilment: { label: 'To book', status: 'pending_fulfilment' },
  in_progress: { label: 'Booked', status: 'in_progress' },
  fulfilled: { label: 'To invoice', status: 'fulfilled' },
  all: { label: 'All' },
}

type Order = z.output<typeof ordersQuery.record>

/** The owner's orders: a list by status, and an order's lines and visits with Book, Mark done and Invoice. */
export function ordersPages(services: Services): Router {
  const router = Router()

  router.get(
    '/orders',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const format = await businessFormat(caller)
      const tab = askedTab(req.query, TABS, 'pending_fulfilment')
      const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined
      const list = await callQuery(caller, ordersQuery, { params: { status: TABS[tab].status }, limit: PAGE_SIZE, cursor })
      const more = nextPageLink('/orders', { status: tab }, list.next_cursor, `Next ${PAGE_SIZE}`)
      sendOwnerPage(
        res,
        'Orders',
        html`${statusTabs('Order status', '/orders', TABS, tab)}
${list.items.length ? list.items.map((o) => orderCard(o, format)) : html`<p class="note">No orders here.</p>`}${more}<p><a href="/quotes">Quotes</a></p>`,
      )
    }),
  )

  router.get(
    '/orders/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const o = await readOrder(caller, req.params.id)
      if (!o) return sendNotFound(res, MISSING_ORDER)
      await orderPage(res, caller, session.csrfToken, o, {
        ok: doneLine(req.query.done, { booked: 'Visit booked.', fulfilled: 'Marked done.', invoiced: 'Invoice created.' }),
      })
    }),
  )

  for (const step of ['book', 'fulfil', 'invoice'] as const) {
    router.post(
      `/orders/:id/${step}`,
      ownerRoute(services, async ({ req, res, session, onError }) => {
        const caller = callerOf(services, session, res)
        const id = req.params.id
        onError(async (err) => {
          const o = await readOrder(caller, id)
          if (!o) return sendNotFound(res, MISSING_ORDER)
          await orderPage(res, caller, session.csrfToken, o, { error: err.message, status: err.status })
        })
        if (step === 'book') {
          const at =
            field(req.body, 'date') && field(req.body, 'time')
              ? `${field(req.body, 'date')}T${field(req.body, 'time')}`
              : field(req.body, 'date')
          await callAction(caller, bookOrder, {
            order_id: id,
            visits: [{ scheduled_start: at, duration_minutes: Number(field(req.body, 'minutes') || '60') }],
          })
        } else if (step === 'fulfil') {
          await callAction(caller, fulfilOrder, { order_id: id })
        } else {
          const billed = await callAction(caller, invoiceOrder, { order_id: id })
          return res.redirect(303, `/invoices/${encodeURIComponent(String((billed.result as { invoice: { id: string } }).invoice.id))}`)
        }
        res.redirect(303, `/orders/${encodeURIComponent(id)}?done=${step === 'book' ? 'booked' : 'fulfilled'}`)
      }),
    )
  }

  return router
}

/** No order by that id in the business. */
const MISSING_ORDER: Missing = {
  title: 'Order not found',
  sentence: 'There is no such order in your business.',
  back: { href: '/orders', label: 'All orders' },
}

/** An order with its lines and visits, or null when the business has none by that id. */
function readOrder(caller: Caller, id: string): Promise<Order | null> {
  return readOrNull(id, () => callQuery(caller, ordersQuery, { id, include: ['line_items', 'tickets'] }))
}

/** One order: its lines and totals, its visits, and the next step for it. */
async function orderPage(
  res: Response,
  caller: Caller,
  csrf: string,
  o: Order,
  line: { ok?: string; error?: string; status?: number },
): Promise<void> {
  const format = await businessFormat(caller)
  const next =
    o.status === 'pending_fulfilment'
      ? html`${form(
          `/orders/${o.id}/book`,
          csrf,
          html`<div class="row"><label>Day<input type="date" name="date" required></label><label>Time<input type="time" name="time" value="09:00" required></label>
<label>Minutes<input type="number" name="minutes" min="5" max="1440" value="60" inputmode="numeric"></label></div><button>Book one visit with every line</button>`,
        )}
${form(`/orders/${o.id}/fulfil`, csrf, html`<button class="alt">Mark the work done</button>`)}`
      : o.status === 'in_progress'
        ? form(`/orders/${o.id}/fulfil`, csrf, html`<button class="alt">Mark the work done</button>`)
        : o.status === 'fulfilled'
          ? form(`/orders/${o.id}/invoice`, csrf, html`<button>Create the invoice</button>`)
          : ''
  const visits = (o.tickets ?? []).map(
    (t) => html`<li><a href="/tickets/${t.id}">Visit #${t.number}</a> ${formatInstant(t.scheduled_start, format.timezone)}
<span class="muted">${t.status.replace('_', ' ')}</span></li>`,
  )
  sendOwnerPage(
    res,
    `Order ${o.number}`,
    html`<div class="card"><p><b>${o.number}</b> · <span class="muted">${o.status.replace('_', ' ')}</span> ·
<a href="/quotes/${o.quote_id}">quote</a>${o.invoice_id ? html` · <a href="/invoices/${o.invoice_id}">invoice</a>` : ''}</p>
${linesTable(o, format)}${o.deposit_cents ? html`<p class="note">Deposit ${money(o.deposit_cents, format)}: ${o.deposit_paid_cents ? 'paid' : 'not paid yet'}</p>` : ''}
${visits.length ? html`<h2>Visits</h2><ul>${visits}</ul>` : ''}</div>${next}<p><a href="/orders">All orders</a></p>`,
    { ok: line.ok, error: line.error, status: line.status },
  )
}

/** One order in the list: number (a link), status and total. */
function orderCard(o: Order, format: BusinessFormat): SafeHtml {
  return html`<div class="card"><a href="/orders/${o.id}"><b>${o.number}</b></a> <span class="muted">${o.status.replace('_', ' ')}</span>
<p>${money(o.total_cents, format)}</p></div>`
}
