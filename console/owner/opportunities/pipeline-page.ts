import { Router } from 'express'
import { callQuery, callQueryAll } from '../../../core/kernel/call-query.js'
import { formatMoney } from '../../../core/vocabulary/money.js'
import type { Services } from '../../../core/kernel/context.js'
import { OPEN_STAGES, stageLabel } from '../../../core/domains/opportunities/model.js'
import { opportunitiesQuery } from '../../../core/domains/opportunities/queries.js'
import { pipelineTotalsQuery } from '../../../core/domains/opportunities/totals.js'
import { html } from '../../html.js'
import { opportunityList } from './opportunity-views.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import type {} from '../../form-kit.js'

/** How many of the latest won and lost opportunities the page lists. */
const CLOSED_SHOWN = 20

/** The sales pipeline: totals and the weighted forecast on top, then each open stage's opportunities and the latest closed ones. */
export function pipelinePages(services: Services): Router {
  const router = Router()

  router.get(
    '/pipeline',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const range = { close_from: dateParam(req.query.from), close_to: dateParam(req.query.to) }
      let totals, open, closed
      onError((err) => {
        return sendOwnerPage(res, 'Pipeline', html`<p><a href="/pipeline">Show everything</a></p>`, {
          status: err.status,
          error: err.message,
        })
      })
      ;[totals, open, closed] = await Promise.all([
        callQuery(caller, pipelineTotalsQuery, { params: range }),
        callQueryAll(caller, opportunitiesQuery, { params: { status: 'open', ...range } }),
        callQuery(caller, opportunitiesQuery, { params: { status: 'closed', ...range }, limit: CLOSED_SHOWN }),
      ])
      const body = html`<form method="get" action="/pipeline" class="filters"><div class="row"><label>Closing from<input type="date" name="from" value="${range.close_from ?? ''}"></label>
<label>to<input type="date" name="to" value="${range.close_to ?? ''}"></label></div><button class="second small">Show</button></form>
${
  totals.items.length
    ? totals.items.map(
        (t) => html`<div class="card"><p><b>Weighted forecast ${formatMoney(t.weighted_forecast_cents, t.currency)}</b></p>
<p class="muted">${t.open_count} open worth ${formatMoney(t.open_amount_cents, t.currency)}</p>
<table><tr><th>Stage</th><th class="r">Count</th><th class="r">Amount</th></tr>${t.stages.map(
          (s) =>
            html`<tr><td>${heading(s.stage)}</td><td class="num">${s.count}</td><td class="num">${formatMoney(
              s.amount_cents,
              t.currency,
            )}</td></tr>`,
        )}</table></div>`,
      )
    : html`<p class="muted">No opportunities yet. Open one from a lead or a customer.</p>`
}
${OPEN_STAGES.map((stage) => {
  const items = open.filter((o) => o.stage === stage)
  return html`<h2>${heading(stage)} <span class="muted">(${items.length})</span></h2>${opportunityList(items, 'None.', { showWho: true })}`
})}
<h2>Latest won and lost</h2>${opportunityList(closed.items, 'None closed yet.', { showWho: true })}`
      sendOwnerPage(res, 'Pipeline', body)
    }),
  )

  return router
}

/** A stage as a heading: "Proposal sent". */
function heading(stage: string): string {
  const label = stageLabel(stage)
  return label.charAt(0).toUpperCase() + label.slice(1)
}

/** A date from the query string, passed on for the query to check; nothing when empty. */
function dateParam(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}
