import { Router, type Response } from 'express'
import type { z } from 'zod'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery, callQueryAll } from '../../../core/kernel/call-query.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import type { Services } from '../../../core/kernel/context.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { addToWaitlist, markWaitlistScheduled, removeFromWaitlist } from '../../../core/domains/waitlist/actions.js'
import { waitlistQuery } from '../../../core/domains/waitlist/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { WEEKDAYS } from '../../../core/vocabulary/time.js'
import { form, html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { statusTabs } from '../../list-tabs.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { TOP_FIELD, businessFormat, doneLine, field, fieldError, fieldErrorsOf } from '../../form-kit.js'

/** The list's tabs: the waitlist's statuses. */
const TABS = { waiting: 'Waiting', offered: 'Offered', scheduled: 'Scheduled', removed: 'Removed' } as const
type Tab = keyof typeof TABS

/** What the waitlist page may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  added: 'Added to the waitlist.',
  scheduled: 'Marked as scheduled.',
  removed: 'Taken off the waitlist.',
}

/** Customers listed to choose from after a search. */
const MATCHES = 10

/** What the add form holds, as typed. */
interface AddTyped {
  q: string
  contact_id: string
  service_id: string
  earliest_date: string
  latest_date: string
  days: string[]
  time_of_day: string
  notes: string
}

/** The waitlist: who waits for what; mark an entry scheduled or remove it; add someone, choosing the customer by a search that needs no JavaScript. */
export function waitlistPages(services: Services): Router {
  const router = Router()

  router.get(
    '/waitlist',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const { timezone } = await businessFormat(caller)
      const tab = typeof req.query.status === 'string' ? req.query.status : 'waiting'
      if (!Object.hasOwn(TABS, tab))
        return sendOwnerPage(res, 'Waitlist', tabs('waiting'), {
          status: 400,
          error: `status: expected one of ${Object.keys(TABS).join(', ')}`,
        })
      const entries = await callQueryAll(caller, waitlistQuery, { params: { status: tab as Tab } })
      const names = await serviceNames(services, session, res)
      const open = tab === 'waiting' || tab === 'offered'
      const cards = entries.map(
        (
          e,
        ) => html`<div class="card"><a href="/customers/${e.contact_id}"><b>${e.contact_name}</b></a> · ${e.service_id ? (names.get(e.service_id) ?? 'a service') : 'any service'}
<p class="note">${e.earliest_date} to ${e.latest_date} · ${e.preferred_days.length ? e.preferred_days.join(', ') : 'any day'} · ${e.time_of_day === 'any' ? 'any time' : e.time_of_day}<br>
Waiting since ${formatInstant(e.created_at, timezone)}</p>${e.notes ? html`<p>${e.notes}</p>` : ''}${
          open
            ? html`<div class="row">${form(
                `/waitlist/${e.id}/scheduled`,
                session.csrfToken,
                html`<button class="small" aria-label="Mark ${e.contact_name} scheduled">Scheduled</button>`,
              )}${form(
                `/waitlist/${e.id}/remove`,
                session.csrfToken,
                html`<button class="small deny" aria-label="Remove ${e.contact_name}">Remove</button>`,
              )}</div>`
            : ''
        }</div>`,
      )
      sendOwnerPage(
        res,
        'Waitlist',
        html`<p><a href="/waitlist/add">Add someone</a></p>${tabs(tab)}${cards.length ? cards : html`<p class="note">Nobody here.</p>`}`,
        { ok: doneLine(req.query.done, DONE) },
      )
    }),
  )

  router.get(
    '/waitlist/add',
    ownerRoute(services, async ({ req, res, session }) => {
      const q = typeof req.query.q === 'string' ? req.query.q.trim() : ''
      await showAddForm(services, session, res, {
        q,
        contact_id: '',
        service_id: '',
        earliest_date: '',
        latest_date: '',
        days: [],
        time_of_day: 'any',
        notes: '',
      })
    }),
  )

  router.post(
    '/waitlist',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const body = req.body as Record<string, unknown> | undefined
      const days = ([] as unknown[]).concat(body?.days ?? []).map(String)
      const typed: AddTyped = {
        q: field(body, 'q'),
        contact_id: field(body, 'contact_id'),
        service_id: field(body, 'service_id'),
        earliest_date: field(body, 'earliest_date'),
        latest_date: field(body, 'latest_date'),
        days,
        time_of_day: field(body, 'time_of_day') || 'any',
        notes: field(body, 'notes'),
      }
      onError((err) => {
        return showAddForm(services, session, res, typed, {
          status: err.status,
          error: `Nobody was added. ${err.message}`,
          problems: fieldErrorsOf(err, TOP_FIELD),
        })
      })
      await callAction(callerOf(services, session, res), addToWaitlist, {
        contact_id: typed.contact_id,
        service_id: typed.service_id || undefined,
        earliest_date: typed.earliest_date || undefined,
        latest_date: typed.latest_date,
        preferred_days: typed.days as z.input<typeof addToWaitlist.input>['preferred_days'],
        time_of_day: typed.time_of_day as 'any',
        notes: typed.notes || undefined,
      })
      res.redirect(303, '/waitlist?done=added')
    }),
  )

  for (const [path, def, done] of [
    ['scheduled', markWaitlistScheduled, 'scheduled'],
    ['remove', removeFromWaitlist, 'removed'],
  ] as const) {
    router.post(
      `/waitlist/:id/${path}`,
      ownerRoute(services, async ({ req, res, session, onError }) => {
        onError((err) => {
          return sendOwnerPage(res, 'Waitlist', html`<p><a href="/waitlist">Back to the waitlist</a></p>`, {
            status: err.status,
            error: `Nothing was changed. ${err.message}`,
          })
        })
        await callAction(callerOf(services, session, res), def, { waitlist_entry_id: req.params.id })
        res.redirect(303, `/waitlist?done=${done}`)
      }),
    )
  }

  return router
}

/** Active services by id, and archived ones too, so an old entry still names its service. */
async function serviceNames(services: Services, session: SessionPrincipal, res: Response): Promise<Map<string, string>> {
  const caller = callerOf(services, session, res)
  const all = [
    ...(await callQueryAll(caller, servicesQuery, { params: { status: 'active' } })),
    ...(await callQueryAll(caller, servicesQuery, { params: { status: 'archived' } })),
  ]
  return new Map(all.map((s) => [s.id, s.name]))
}

function tabs(current: string): SafeHtml {
  return statusTabs('Waitlist status', '/waitlist', TABS, current)
}

/** The add form: a customer search (GET) whose matches are the choices of the add form (POST). */
async function showAddForm(
  services: Services,
  session: SessionPrincipal,
  res: Response,
  typed: AddTyped,
  opts: { status?: number; error?: string; problems?: Map<string, string> } = {},
): Promise<void> {
  const caller = callerOf(services, session, res)
  const problems = opts.problems ?? new Map<string, string>()
  let matches: Array<{ id: string; display_name: string; email: string | null }> = []
  let searchError: string | undefined
  if (typed.q) {
    try {
      matches = (await callQuery(caller, contactsQuery, { params: { q: typed.q }, limit: MATCHES })).items
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      searchError = err.message
    }
  }
  const offered = await callQueryAll(caller, servicesQuery, { params: { status: 'active' } })
  const body = html`<form method="get" action="/waitlist/add" role="search" aria-label="Find a customer"><label>Find the customer<input type="search" name="q" value="${typed.q}" autocomplete="off"></label>
<button class="second">Search</button></form>${searchError ? html`<p class="err">${searchError}</p>` : ''}
${typed.q && !matches.length && !searchError ? html`<p class="note">No customer matches; try part of the name, the email or 4 digits of the phone.</p>` : ''}
${
  matches.length
    ? form(
        '/waitlist',
        session.csrfToken,
        html`<input type="hidden" name="q" value="${typed.q}">
<fieldset><legend>Customer</legend>${matches.map(
          (c) =>
            html`<label class="c"><input type="radio" name="contact_id" value="${c.id}" required${
              typed.contact_id === c.id || matches.length === 1 ? html` checked` : ''
            }>${c.display_name}${c.email ? html` <span class="muted">${c.email}</span>` : ''}</label>`,
        )}${fieldError(problems, 'contact_id', 'inline')}</fieldset>
<label>Service<select name="service_id"><option value="">any service</option>${offered.map(
          (s) => html`<option value="${s.id}"${typed.service_id === s.id ? html` selected` : ''}>${s.name}</option>`,
        )}</select>${fieldError(problems, 'service_id', 'inline')}</label>
<div class="row"><label>From<input type="date" name="earliest_date" value="${typed.earliest_date}">${fieldError(problems, 'earliest_date', 'inline')}</label>
<label>Until<input type="date" name="latest_date" required value="${typed.latest_date}">${fieldError(problems, 'latest_date', 'inline')}</label></div>
<fieldset><legend>Days that suit them (none: any day)</legend><div class="days">${WEEKDAYS.map(
          (d) =>
            html`<label class="c"><input type="checkbox" name="days" value="${d}"${
              typed.days.includes(d) ? html` checked` : ''
            }>${d}</label>`,
        )}</div>${fieldError(problems, 'preferred_days', 'inline')}</fieldset>
<label>Time of day<select name="time_of_day">${['any', 'morning', 'afternoon'].map((t) => html`<option${typed.time_of_day === t ? html` selected` : ''}>${t}</option>`)}</select></label>
<label>Notes (optional)<textarea name="notes" maxlength="2000">${typed.notes}</textarea>${fieldError(problems, 'notes', 'inline')}</label>
<button>Add to waitlist</button>`,
      )
    : ''
}
<p><a href="/waitlist">Back to the waitlist</a></p>`
  sendOwnerPage(res, 'Add to the waitlist', body, { status: opts.status, error: opts.error })
}
