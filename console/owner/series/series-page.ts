import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { endSeries, pauseSeries, resumeSeries, skipSeriesVisit, updateSeries } from '../../../core/domains/series/actions.js'
import { seriesQuery } from '../../../core/domains/series/queries.js'
import { usersQuery } from '../../../core/domains/users/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { localDate, localTime } from '../../../core/vocabulary/time.js'
import { doneLine, field, typedNumber } from '../../form-kit.js'
import { form, html, type SafeHtml } from '../../html.js'
import { ruleWords, shortMoment } from '../contacts/customer-words.js'
import { type Missing, readOrNull, sendNotFound } from '../not-found.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** What the page may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  moved: 'That visit moved; the others keep their time.',
  skipped: 'That visit is skipped; the series goes on.',
  changed: 'Changed from that visit on: the visits after it follow the new times.',
  all: 'Every visit still to come follows the change.',
  paused: 'Paused.',
  resumed: 'Resumed: visits are booked again.',
  ended: 'Ended: no visit after the last day.',
}

/** No series by that id in the business. */
const MISSING: Missing = {
  title: 'Recurring visits not found',
  sentence: 'There are no such recurring visits in your business.',
  back: { href: '/customers', label: 'Customers' },
}

/**
 * A series of recurring visits: its rule, next visits and who does them; move or skip one visit, change this visit and
 * the ones after (the series splits there), change every visit, pause, resume or end it.
 */
export function seriesPages(services: Services): Router {
  const router = Router()

  router.get(
    '/series/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      await showSeries(res, session, callerOf(services, session, res), String(req.params.id), { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/series/:id/:step',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const id = String(req.params.id)
      const body = req.body
      const ticket = field(body, 'ticket_id')
      const time = field(body, 'start_time')
      const minutes = field(body, 'duration_minutes') ? { duration_minutes: typedNumber(body, 'duration_minutes') } : {}
      const technician = field(body, 'technician_id') ? { technician_ids: [field(body, 'technician_id')] } : {}
      try {
        let landing = id
        switch (req.params.step) {
          case 'move':
            await callAction(caller, updateSeries, {
              series_id: id,
              scope: 'this',
              ticket_id: ticket,
              start_date: field(body, 'start_date') || undefined,
              start_time: time || undefined,
            } as never)
            break
          case 'skip':
            await callAction(caller, skipSeriesVisit, { series_id: id, ticket_id: ticket, reason: field(body, 'reason') || undefined })
            break
          case 'changed': {
            const split = await callAction(caller, updateSeries, {
              series_id: id,
              scope: 'this_and_future',
              ticket_id: ticket,
              ...(time ? { start_time: time } : {}),
              ...minutes,
              ...technician,
            } as never)
            landing = String((split.result as { id: string }).id)
            break
          }
          case 'all':
            await callAction(caller, updateSeries, {
              series_id: id,
              scope: 'all',
              ...(time ? { start_time: time } : {}),
              ...minutes,
              ...technician,
            } as never)
            break
          case 'paused':
            await callAction(caller, pauseSeries, { series_id: id, until: field(body, 'until') || undefined })
            break
          case 'resumed':
            await callAction(caller, resumeSeries, { series_id: id })
            break
          case 'ended':
            await callAction(caller, endSeries, {
              series_id: id,
              last_date: field(body, 'last_date') || undefined,
              reason: field(body, 'reason'),
            })
            break
          default:
            return sendNotFound(res, MISSING)
        }
        const done = req.params.step === 'move' ? 'moved' : req.params.step === 'skip' ? 'skipped' : req.params.step
        res.redirect(303, `/series/${encodeURIComponent(landing)}?done=${done}`)
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        await showSeries(res, session, caller, id, { error: `Nothing was changed. ${err.message}`, status: err.status })
      }
    }),
  )

  return router
}

async function showSeries(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  id: string,
  opts: { ok?: string; error?: string; status?: number },
): Promise<void> {
  const series = await readOrNull(id, () => callQuery(caller, seriesQuery, { id }))
  if (!series) return sendNotFound(res, MISSING)
  const customer = await callQuery(caller, contactsQuery, { id: series.contact_id })
  const team = (await callQuery(caller, usersQuery, { params: { active: 'true' }, limit: 100 })).items
  const names = series.technician_ids.map((t) => team.find((u) => u.id === t)?.name ?? 'a former team member')
  const tz = series.time_zone
  const csrf = session.csrfToken
  const open = series.status !== 'ended'
  const state =
    series.status === 'paused'
      ? `Paused${series.paused_until ? ` until ${series.paused_until}` : ''}`
      : series.status === 'ended'
        ? `Ended${series.ends_on ? `: the last day was before ${series.ends_on}` : ''}`
        : 'Active'
  const technicianSelect = html`<label>Technician<select name="technician_id"><option value="">(keep)</option>${team.map(
    (u) => html`<option value="${u.id}">${u.name}</option>`,
  )}</select></label>`
  const visits = series.next_visits.map(
    (v) =>
      html`<li class="card"><a href="/tickets/${v.id}"><b>#${v.number}</b> ${shortMoment(v.scheduled_start, tz)}</a>${
        open
          ? html`${form(
              `/series/${series.id}/move`,
              csrf,
              html`<input type="hidden" name="ticket_id" value="${v.id}"><div class="row"><label>Day<input type="date" name="start_date" value="${localDate(
                new Date(v.scheduled_start),
                tz,
              )}"></label><label>Time<input type="time" name="start_time" value="${localTime(new Date(v.scheduled_start), tz)}"></label></div><button class="small second" aria-label="Move visit #${v.number}">Move this visit</button>`,
            )}${form(
              `/series/${series.id}/skip`,
              csrf,
              html`<input type="hidden" name="ticket_id" value="${v.id}"><button class="small second" aria-label="Skip visit #${v.number}">Skip this visit</button>`,
            )}`
          : ''
      }</li>`,
  )
  const changes: SafeHtml = open
    ? html`<h2>This visit and the ones after</h2>${form(
        `/series/${series.id}/changed`,
        csrf,
        html`<label>From the visit<select name="ticket_id">${series.next_visits.map(
          (v) => html`<option value="${v.id}">#${v.number} ${shortMoment(v.scheduled_start, tz)}</option>`,
        )}</select></label><div class="row"><label>New time<input type="time" name="start_time"></label><label>Minutes<input name="duration_minutes" inputmode="numeric" value="${String(
          series.duration_minutes,
        )}"></label></div>${technicianSelect}<button class="second">Change from that visit on</button>`,
      )}<h2>Every visit still to come</h2>${form(
        `/series/${series.id}/all`,
        csrf,
        html`<div class="row"><label>New time<input type="time" name="start_time" value="${series.start_time}"></label><label>Minutes<input name="duration_minutes" inputmode="numeric" value="${String(
          series.duration_minutes,
        )}"></label></div>${technicianSelect}<button class="second">Change every visit</button>`,
      )}<h2>Pause or end</h2>${
        series.status === 'paused'
          ? form(`/series/${series.id}/resumed`, csrf, html`<button class="second">Resume</button>`)
          : form(
              `/series/${series.id}/paused`,
              csrf,
              html`<label>Back on (optional)<input type="date" name="until"></label><button class="second">Pause</button>`,
            )
      }${form(
        `/series/${series.id}/ended`,
        csrf,
        html`<label>Last day with a visit<input type="date" name="last_date"></label><label>Why<input name="reason" required maxlength="1000"></label><button class="second">End these recurring visits</button>`,
      )}`
    : html``
  sendOwnerPage(
    res,
    `Recurring visits, ${ruleWords(series.rule)}`,
    html`<p><a href="/customers/${series.contact_id}">${customer.display_name}</a> · ${ruleWords(series.rule)} at ${series.start_time}, ${String(
      series.duration_minutes,
    )} minutes · ${names.join(', ') || 'no technician'} · ${state}</p>${
      series.previous_series_id
        ? html`<p class="muted">Continues <a href="/series/${series.previous_series_id}">an earlier series</a>.</p>`
        : ''
    }<h2>Next visits</h2>${visits.length ? html`<ol class="route">${visits}</ol>` : html`<p class="note">No visits ahead.</p>`}${changes}`,
    opts,
  )
}
