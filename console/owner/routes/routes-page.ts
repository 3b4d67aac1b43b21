import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery, callQueryAll } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { planRouteAction } from '../../../core/domains/route-plans/plan-action.js'
import type { RoutePlan } from '../../../core/domains/route-plans/plan-day.js'
import { markVisitAnytime, setRouteStart } from '../../../core/domains/routes/actions.js'
import { routeStopsQuery } from '../../../core/domains/routes/queries.js'
import { routeStartsQuery } from '../../../core/domains/routes/starts.js'
import { usersQuery } from '../../../core/domains/users/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { isoDate } from '../../../core/kernel/schema-types.js'
import { addDays, localDate, localTime } from '../../../core/vocabulary/time.js'
import { businessFormat, doneLine, field, typedNumber } from '../../form-kit.js'
import { form, html, type SafeHtml } from '../../html.js'
import { dayName, pagerLinks } from '../../schedule-views.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** What the page may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  start: 'Home base saved.',
  anytime: 'Marked anytime: planning may move it within the day (or its window).',
  fixed: 'Back at its booked time.',
}

const dateParam = isoDate()

/** The day and technician a request asks for: a valid date (else today) and a team member's id (else the first). */
interface Ask {
  date: string
  technician: string
}

/** Routes: the home base, a technician's day in route order with its anytime visits, and one press to plan it. */
export function routesPages(services: Services): Router {
  const router = Router()

  router.get(
    '/routes',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const ask = await askOf(caller, req.query)
      const saved = savedLine(req.query)
      await sendRoutes(res, session, caller, ask, { ok: saved ?? doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/routes/plan',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const ask = await askOf(caller, req.body)
      try {
        const planned = await callAction(caller, planRouteAction, { technician_id: ask.technician, date: ask.date, apply: false })
        await sendRoutes(res, session, caller, ask, { plan: planned.result as RoutePlan })
      } catch (err) {
        await failed(res, session, caller, ask, err)
      }
    }),
  )

  router.post(
    '/routes/apply',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const ask = await askOf(caller, req.body)
      try {
        const planned = await callAction(caller, planRouteAction, { technician_id: ask.technician, date: ask.date, apply: true })
        const plan = planned.queued ? null : (planned.result as RoutePlan)
        const figures = plan?.meters_before == null ? '' : `&before=${plan.meters_before}&after=${plan.meters_after}`
        res.redirect(303, `${hrefOf(ask)}&done=planned${figures}&moved=${plan?.times_changed.length ?? 0}`)
      } catch (err) {
        await failed(res, session, caller, ask, err)
      }
    }),
  )

  router.post(
    '/routes/anytime',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const ask = await askOf(caller, req.body)
      const anytime = field(req.body, 'anytime') === 'true'
      const from = field(req.body, 'from')
      const to = field(req.body, 'to')
      const between = anytime && (from || to) ? { between: { from, to } } : {}
      try {
        await callAction(caller, markVisitAnytime, { ticket_id: field(req.body, 'ticket_id'), anytime, ...between })
        res.redirect(303, `${hrefOf(ask)}&done=${anytime ? 'anytime' : 'fixed'}`)
      } catch (err) {
        await failed(res, session, caller, ask, err)
      }
    }),
  )

  router.post(
    '/routes/start',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const ask = await askOf(caller, req.body)
      const given = (name: string) => field(req.body, name) || undefined
      const number = (name: string) => {
        const typed = typedNumber(req.body, name)
        return typed === '' ? undefined : typed
      }
      try {
        await callAction(caller, setRouteStart, {
          label: field(req.body, 'label'),
          latitude: number('latitude'),
          longitude: number('longitude'),
          line1: given('line1'),
          city: given('city'),
          state: given('state'),
          postal_code: given('postal_code'),
        } as never)
        res.redirect(303, `${hrefOf(ask)}&done=start`)
      } catch (err) {
        await failed(res, session, caller, ask, err)
      }
    }),
  )

  return router
}

/** The page again with the refusal in words and nothing changed. */
async function failed(res: Response, session: SessionPrincipal, caller: Caller, ask: Ask, err: unknown): Promise<void> {
  if (!(err instanceof AppError)) throw err
  await sendRoutes(res, session, caller, ask, { error: `Nothing was changed. ${err.message}`, status: err.status })
}

/** The day and technician asked for, in a query string or a form. */
async function askOf(caller: Caller, values: unknown): Promise<Ask> {
  const given = values as Record<string, unknown> | undefined
  const { timezone } = await businessFormat(caller)
  const date = dateParam.safeParse(given?.date)
  const team = await teamOf(caller)
  const wanted = typeof given?.technician === 'string' ? given.technician : ''
  const technician = team.find((u) => u.id === wanted)?.id ?? team[0]?.id ?? ''
  return { date: date.success ? date.data : localDate(caller.services.now(), timezone), technician }
}

function hrefOf(ask: Ask): string {
  return `/routes?technician=${encodeURIComponent(ask.technician)}&date=${ask.date}`
}

/**
 * "Planned: 73.3 km, 36.6 km less than before. 2 visits moved; their customers are emailed the new time." from the
 * plan's figures in the query, when they are whole numbers.
 */
function savedLine(query: Record<string, unknown>): string | undefined {
  if (query.done !== 'planned') return undefined
  const whole = (v: unknown) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : null)
  const before = whole(query.before)
  const after = whole(query.after)
  const moved = whole(query.moved) ?? 0
  const movedLine = moved
    ? ` ${moved === 1 ? 'One visit moved; its customer is' : `${moved} visits moved; their customers are`} emailed the new time.`
    : ''
  if (before === null || after === null) return `Planned: visits grouped by ZIP code and town, without distances.${movedLine}`
  if (after >= before) return `Planned: ${km(after)} already drives least; nothing moved.`
  return `Planned: ${km(after)}, ${km(before - after)} less than before.${movedLine}`
}

/** The plan before it is applied: the driving it saves, what the distances are, each time that changes, and Apply. */
function planPreview(plan: RoutePlan, timezone: string, csrf: string, keep: SafeHtml): SafeHtml {
  const saved =
    plan.meters_saved === null
      ? 'Visits grouped by ZIP code and town, without distances.'
      : plan.meters_saved > 0
        ? `${km(plan.meters_after as number)}, ${km(plan.meters_saved)} less than now (${plan.distances === 'road' ? 'by road' : 'straight lines'}).`
        : `${km(plan.meters_after as number)}: the day already drives least.`
  const moves = plan.times_changed
  return html`<section class="card" aria-label="The plan"><h3>The plan</h3><p>${saved}</p><ol>${plan.stops.map(
    (s) =>
      html`<li>#${s.number} ${s.contact_name} · ${
        s.new_start
          ? html`<b>${localTime(new Date(s.scheduled_start), timezone)} → ${localTime(new Date(s.new_start), timezone)}</b>`
          : localTime(new Date(s.scheduled_start), timezone)
      }</li>`,
  )}</ol>${plan.notes.map((n) => html`<p class="muted">${n}</p>`)}${
    plan.meters_saved !== null && plan.meters_saved <= 0 && !moves.length
      ? ''
      : form(
          '/routes/apply',
          csrf,
          html`${keep}<button>${moves.length ? `Apply: move ${moves.length === 1 ? 'one visit' : `${moves.length} visits`} and email ${moves.length === 1 ? 'its customer' : 'their customers'}` : 'Apply the order'}</button>`,
        )
  }</section>`
}

function km(meters: number): string {
  return `${(meters / 1000).toFixed(1)} km`
}

/** The team members who may have a route: technicians, else (a business of one) its owners. */
async function teamOf(caller: Caller): Promise<Array<{ id: string; name: string }>> {
  const active = await callQueryAll(caller, usersQuery, { params: { active: 'true' } })
  const technicians = active.filter((u) => u.role === 'technician')
  return (technicians.length ? technicians : active).map((u) => ({ id: u.id, name: u.name || 'Unnamed' }))
}

async function sendRoutes(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  ask: Ask,
  opts: { ok?: string; error?: string; status?: number; plan?: RoutePlan },
): Promise<void> {
  const { timezone } = await businessFormat(caller)
  const team = await teamOf(caller)
  const starts = await callQueryAll(caller, routeStartsQuery, { params: {} })
  const home = starts.find((s) => s.user_id === null)
  const stops = ask.technician
    ? (await callQuery(caller, routeStopsQuery, { params: { technician_id: ask.technician, date: ask.date } })).items
    : []
  const csrf = session.csrfToken
  const keep = html`<input type="hidden" name="technician" value="${ask.technician}"><input type="hidden" name="date" value="${ask.date}">`
  const picker = html`<form method="get" action="/routes" class="row"><label>Technician<select name="technician">${team.map(
    (u) => html`<option value="${u.id}"${u.id === ask.technician ? html` selected` : ''}>${u.name}</option>`,
  )}</select></label><label>Day<input type="date" name="date" value="${ask.date}"></label><button class="second">Show</button></form>`
  const pager = pagerLinks(
    [hrefOf({ ...ask, date: addDays(ask.date, -1) }), `← ${dayName(addDays(ask.date, -1))}`],
    [hrefOf({ ...ask, date: localDate(caller.services.now(), timezone) }), 'Today'],
    [hrefOf({ ...ask, date: addDays(ask.date, 1) }), `${dayName(addDays(ask.date, 1))} →`],
  )
  const list: SafeHtml = stops.length
    ? html`<ol class="route">${stops.map(
        (s) => html`<li class="card"><a href="/tickets/${s.ticket_id}"><b>#${s.number} ${s.contact_name}</b></a>
<div class="muted">${
          s.anytime
            ? `Anytime${s.window ? ` ${s.window.from}–${s.window.to}` : ''} (booked ${localTime(new Date(s.scheduled_start), timezone)})`
            : localTime(new Date(s.scheduled_start), timezone)
        }${
          s.address ? ` · ${s.address}` : ''
        }${s.meters_from_previous === null ? '' : ` · ${km(s.meters_from_previous)} from the stop before`}${s.located === 'none' ? ' · not on the map' : ''}</div>
<div class="row">${form(
          '/routes/anytime',
          csrf,
          html`${keep}<input type="hidden" name="ticket_id" value="${s.ticket_id}"><input type="hidden" name="anytime" value="${s.anytime ? 'false' : 'true'}"><button class="small second" aria-label="${s.anytime ? 'Keep' : 'Anytime for'} #${s.number}">${s.anytime ? 'Keep its time' : 'Anytime'}</button>`,
        )}<a href="${s.directions_url}" rel="noopener">Directions</a></div><details><summary>Anytime within a window</summary>${form(
          '/routes/anytime',
          csrf,
          html`${keep}<input type="hidden" name="ticket_id" value="${s.ticket_id}"><input type="hidden" name="anytime" value="true"><div class="row"><label>From<input type="time" name="from" value="${s.window?.from ?? ''}" required></label><label>To<input type="time" name="to" value="${s.window?.to ?? ''}" required></label></div><button class="small second" aria-label="Anytime within the window for #${s.number}">Set the window</button>`,
        )}</details></li>`,
      )}</ol>${stops[0]?.route_url ? html`<p><a href="${stops[0].route_url}" rel="noopener">Open the day in Maps</a></p>` : ''}${form(
        '/routes/plan',
        csrf,
        html`${keep}<button>Plan route</button><p class="muted">Visits marked anytime go where they add least driving, at the time that order needs; the others keep their times. You see the plan before anything changes.</p>`,
      )}${opts.plan ? planPreview(opts.plan, timezone, csrf, keep) : ''}`
    : html`<p class="muted">No visits still to do on this day.</p>`
  const homeLine = home
    ? html`<p>Routes start and end at <b>${home.label}</b> (${home.latitude.toFixed(5)}, ${home.longitude.toFixed(5)}).</p>`
    : html`<p class="warn">No home base yet: routes run from the first visit to the last. Set it below.</p>`
  const startForm = html`<details${home ? '' : html` open`}><summary>${home ? 'Change the home base' : 'Set the home base'}</summary>${form(
    '/routes/start',
    csrf,
    html`${keep}<label>Name<input name="label" value="${home?.label ?? 'The shop'}" required></label>
<label>Street<input name="line1" autocomplete="address-line1"></label>
<div class="row"><label>Town<input name="city" autocomplete="address-level2"></label><label>State<input name="state" size="4" autocomplete="address-level1"></label><label>ZIP<input name="postal_code" size="8" inputmode="numeric" autocomplete="postal-code"></label></div>
<p class="muted">Or, instead of the street, the point itself:</p>
<div class="row"><label>Latitude<input name="latitude" inputmode="decimal" placeholder="34.73040"></label><label>Longitude<input name="longitude" inputmode="decimal" placeholder="-86.58610"></label></div>
<button class="second">Save the home base</button>`,
  )}</details>`
  sendOwnerPage(
    res,
    'Routes',
    html`${picker}${pager}<h2>${dayName(ask.date)} ${ask.date}</h2>${list}<h2>Home base</h2>${homeLine}${startForm}`,
    opts,
  )
}
