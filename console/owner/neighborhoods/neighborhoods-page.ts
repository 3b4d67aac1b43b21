import { Router } from 'express'
import { callQueryAll } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { neighborhoodsQuery, type Neighborhood } from '../../../core/domains/neighborhoods/queries.js'
import { localDate } from '../../../core/vocabulary/time.js'
import { businessFormat, money, type BusinessFormat } from '../../form-kit.js'
import { html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** Neighborhoods: each one's customers, visits, sales and average ticket this year (or a past one) against the year before. */
export function neighborhoodsPages(services: Services): Router {
  const router = Router()
  router.get(
    '/neighborhoods',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const format = await businessFormat(caller)
      const thisYear = Number(localDate(services.now(), format.timezone).slice(0, 4))
      const asked = typeof req.query.year === 'string' && /^\d{4}$/.test(req.query.year) ? Number(req.query.year) : thisYear
      onError((err) =>
        sendOwnerPage(res, 'Neighborhoods', html`<p><a href="/neighborhoods">This year</a></p>`, {
          status: err.status,
          error: err.message,
        }),
      )
      const all = await callQueryAll(caller, neighborhoodsQuery, { params: { year: asked } })
      const years = html`<nav class="pager" aria-label="Years"><a href="/neighborhoods?year=${String(asked - 1)}">← ${String(asked - 1)}</a><a href="/neighborhoods">This year</a>${
        asked < thisYear ? html`<a href="/neighborhoods?year=${String(asked + 1)}">${String(asked + 1)} →</a>` : html`<span></span>`
      }</nav>`
      const span = all[0] ? `${all[0].from} to ${all[0].to}, against the same days of ${asked - 1}` : ''
      sendOwnerPage(
        res,
        'Neighborhoods',
        html`${years}<p class="muted">${span}</p>${all.length ? all.map((n) => card(n, format)) : html`<p class="note">No addresses yet.</p>`}
<p class="note">Addresses on the map are grouped into hexagons about 1 km across by their points; those not on the map yet by ZIP code. Each is named after its most common ZIP code and town. Sales are completed visits at their prices before tax.</p>`,
      )
    }),
  )
  return router
}

/** One neighborhood: who lives there, and its year against the last. */
function card(n: Neighborhood, format: BusinessFormat): SafeHtml {
  const change =
    n.sales_change_percent === null ? '' : ` (${n.sales_change_percent >= 0 ? '+' : ''}${n.sales_change_percent}% on last year)`
  const map =
    n.on_map && n.latitude !== null && n.longitude !== null
      ? html` · <a href="${`https://www.openstreetmap.org/?mlat=${n.latitude.toFixed(5)}&mlon=${n.longitude.toFixed(5)}#map=14/${n.latitude.toFixed(5)}/${n.longitude.toFixed(5)}`}">map</a>`
      : ''
  return html`<div class="card"><b>${n.name}</b><div class="muted">${String(n.customers)} customer${n.customers === 1 ? '' : 's'} · ${String(n.addresses)} address${n.addresses === 1 ? '' : 'es'}${map}</div>
<p>Sales ${money(n.sales_cents, format)}${change} · ${String(n.visits)} visit${n.visits === 1 ? '' : 's'} (${String(n.last_year_visits)} last year)${
    n.average_ticket_cents === null ? '' : ` · average ticket ${money(n.average_ticket_cents, format)}`
  }</p></div>`
}
