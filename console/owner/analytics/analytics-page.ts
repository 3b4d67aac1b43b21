import { Router, type Request } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { analyticsByPlaceQuery, analyticsByServiceQuery, analyticsSummaryQuery } from '../../../core/domains/analytics/queries.js'
import { businessQuery } from '../../../core/domains/settings/queries.js'
import { localDate } from '../../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../../html.js'
import { figuresSection, salesSection } from './analytics-tables.js'
import { sendOwnerPage } from '../owner-page.js'
import { NUMBERS_SECTIONS } from '../capability-parts.js'
import { ownerRoute } from '../owner-route.js'

/** What the period form asks for, as the address carries it. */
interface Choice {
  month?: string
  compare?: string
  group_by?: string
}

/** The owner's numbers: the month against last year (and month to date), sales by service and by place, each with a chart and a CSV. */
export function analyticsPages(services: Services): Router {
  const router = Router()

  router.get(
    '/analytics',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = { services, principal: session, requestId: stateOf(res).requestId }
      const choice = choiceOf(req)
      const business = (await callQuery(caller, businessQuery, { limit: 1 })).items[0]
      const today = localDate(services.now(), business.timezone)
      const month = choice.month ?? today.slice(0, 7)
      const period = { month, compare: choice.compare as 'last_year' | 'previous_month' | undefined }
      onError((err) => {
        sendOwnerPage(res, 'Numbers', periodForm(choice, month), {
          status: err.status,
          error: `Nothing to show for that choice. ${err.message}`,
        })
      })
      const figures = (await callQuery(caller, analyticsSummaryQuery, { params: period })).items
      const toDate =
        month === today.slice(0, 7)
          ? (await callQuery(caller, analyticsSummaryQuery, { params: { ...period, through_day: Number(today.slice(8)) } })).items
          : null
      const byService = await callQuery(caller, analyticsByServiceQuery, { params: period, limit: 100 })
      const place = { ...period, group_by: choice.group_by as 'town' | 'postal_code' | undefined }
      const byPlace = await callQuery(caller, analyticsByPlaceQuery, { params: place, limit: 100 })
      const placeName = byPlace.items[0]?.group_by ?? place.group_by ?? 'town'
      const csv = (type: string, extra: Record<string, string> = {}) =>
        `/api/export?${new URLSearchParams({ type, month, ...(choice.compare ? { compare: choice.compare } : {}), ...extra })}`
      const body = html`${periodForm(choice, month)}
${figuresSection({ id: 'month', heading: 'The month', csvHref: csv('analytics_summary'), csvLabel: "Download the month's figures (CSV)" }, figures, business.currency)}
${
  toDate
    ? figuresSection(
        {
          id: 'to-date',
          heading: 'Month to date',
          csvLabel: 'Download the month-to-date figures (CSV)',
          csvHref: csv('analytics_summary', { through_day: today.slice(8) }),
        },
        toDate,
        business.currency,
      )
    : ''
}
${salesSection(
  { id: 'services', heading: 'By service', csvHref: csv('analytics_by_service'), csvLabel: 'Download sales by service (CSV)' },
  'Service',
  byService.items.map((r) => ({ ...r, name: r.service })),
  business.currency,
  byService.next_cursor !== null,
)}
${salesSection(
  {
    id: 'places',
    heading: placeName === 'town' ? 'By town' : 'By postal code',
    csvLabel: `Download sales by ${placeName === 'town' ? 'town' : 'postal code'} (CSV)`,
    csvHref: csv('analytics_by_place', { group_by: placeName }),
  },
  placeName === 'town' ? 'Town' : 'Postal code',
  byPlace.items.map((r) => ({ ...r, name: r.place })),
  business.currency,
  byPlace.next_cursor !== null,
)}
${await Promise.all(NUMBERS_SECTIONS.map((section) => section(caller, month)))}
<p><a href="/neighborhoods">By neighborhood, this year against last</a></p>
<p><a href="/timesheets">The technicians' hours (timesheets)</a></p>
<p class="note">Sales are completed visits at their prices before tax. Invoiced counts invoices issued in the period (not drafts, void or archived ones);
paid counts payments received in it. Days are in the business's time zone.</p>`
      sendOwnerPage(res, 'Numbers', body)
    }),
  )
  return router
}

/** The filters from the address: each taken once, empty ones left to the defaults. */
function choiceOf(req: Request): Choice {
  const one = (name: string) => {
    const value = req.query[name]
    return typeof value === 'string' && value.trim() ? value.trim() : undefined
  }
  return { month: one('month'), compare: one('compare'), group_by: one('group_by') }
}

/** The period picker: a GET form, so it works without JavaScript and the address can be bookmarked. */
function periodForm(choice: Choice, month: string): SafeHtml {
  const option = (name: keyof Choice, value: string, label: string, byDefault: boolean) =>
    html`<option value="${value}"${(choice[name] ?? (byDefault ? value : '')) === value ? html` selected` : ''}>${label}</option>`
  return html`<form method="get" action="/analytics" class="card"><label>Month<input type="month" name="month" value="${month}" required></label>
<label>Compare with<select name="compare">${option('compare', 'last_year', 'The same month last year', true)}${option('compare', 'previous_month', 'The month before', false)}</select></label>
<label>Places by<select name="group_by">${option('group_by', 'town', 'Town', true)}${option('group_by', 'postal_code', 'Postal code', false)}</select></label>
<button>Show</button></form>`
}
