import type { z } from 'zod'
import type { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { callAction } from '../../core/kernel/call-action.js'
import { callQuery } from '../../core/kernel/call-query.js'
import { calendarFeedsQuery } from '../../core/domains/calendars/queries.js'
import { usersQuery } from '../../core/domains/users/queries.js'
import { createCalendarFeed, revokeCalendarFeed } from '../../core/domains/calendars/actions.js'
import { localDate, localTime } from '../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../html.js'
import { businessOf, callerOf, pageRoute, postForm, sendWorkPage, type PageCall } from './context.js'
import { isUuid } from '../../core/kernel/schema-types.js'

type Feed = z.output<typeof calendarFeedsQuery.record>

/**
 * GET /calendar: the signed-in person's calendar subscription addresses (an owner's: the business's and the team's too),
 * with a button to make one and one to revoke each. POST /calendar makes one and shows its address this once;
 * POST /calendar/<id>/revoke stops one.
 */
export function mountCalendarPage(router: Router, services: Services): void {
  router.get(
    '/calendar',
    pageRoute(services, async (call) => {
      await showCalendarPage(call)
    }),
  )
  router.post(
    '/calendar',
    pageRoute(services, async (call) => {
      const me = call.session.actor.id as string
      const forBusiness = call.req.body?.for === 'business'
      // No idempotency key: its stored answer would keep the address, which is never stored anywhere.
      const made = await callAction(callerOf(call), createCalendarFeed, { user_id: forBusiness ? null : me })
      // Only an agent's call waits for the owner; this page is a person's.
      if (made.queued) throw new AppError('FORBIDDEN', 'A calendar link is made by the person who uses it')
      await showCalendarPage(call, made.result)
    }),
  )
  router.post(
    '/calendar/:id/revoke',
    pageRoute(services, async (call) => {
      const id = String(call.req.params.id)
      if (!isUuid(id)) throw new AppError('NOT_FOUND', 'No such calendar link')
      await callAction(callerOf(call), revokeCalendarFeed, { calendar_feed_id: id })
      call.res.redirect(303, '/calendar')
    }),
  )
}

/** The page, with a just-made address shown once on top. */
async function showCalendarPage(call: PageCall, made?: { webcal_url: string; https_url: string }): Promise<void> {
  const { timezone } = await businessOf(call)
  const me = call.session.actor.id as string
  const owner = call.session.actor.type === 'user' && call.session.actor.role === 'owner'
  const feeds = (await callQuery(callerOf(call), calendarFeedsQuery, { params: { status: 'active' }, limit: 100 })).items
  const names = owner ? await teamNames(call) : new Map<string, string>()
  const when = (at: string | null) => (at ? `${localDate(new Date(at), timezone)} ${localTime(new Date(at), timezone)}` : 'not yet')
  const list = (rows: Feed[], none: string): SafeHtml =>
    rows.length
      ? html`<table>${rows.map(
          (
            f,
          ) => html`<tr><td>${f.user_id && f.user_id !== me ? html`${names.get(f.user_id) ?? 'Team member'}<br>` : ''}Made ${when(f.created_at)}
<div class="muted">Last fetched ${when(f.last_fetched_at)}</div></td><td>${postForm(`/calendar/${f.id}/revoke`, call.session, html`<button class="alt">Revoke</button>`)}</td></tr>`,
        )}</table>`
      : html`<p class="muted">${none}</p>`
  const shown = made
    ? html`<div class="card now"><p class="ok">Your calendar link is ready. It is shown only this once.</p>
<a class="btn" href="${made.webcal_url}">Subscribe on this phone</a>
<label>Or copy this address into your calendar app (Google Calendar: Other calendars, From URL)<input readonly value="${made.https_url}"></label>
<p class="muted">Anyone holding it sees the jobs with addresses and gate codes: keep it in your own calendar. Lost it? Revoke it below and make a new one.</p></div>`
    : ''
  const mine = html`${shown}<p>Your jobs in your phone's calendar, kept up to date by the phone itself (about every hour). Cancelled jobs show as cancelled.</p>
<p class="muted">Use Google Calendar? <a href="/settings/google">Connect it</a> instead: your visits are kept there both ways.</p>
<h2>My calendar</h2>${list(
    feeds.filter((f) => f.user_id === me),
    'No calendar link yet.',
  )}
${postForm('/calendar', call.session, html`<input type="hidden" name="for" value="me"><button>Make a link for my jobs</button>`)}`
  const business = owner
    ? html`<h2>Business calendar (every ticket)</h2>${list(
        feeds.filter((f) => f.scope === 'business'),
        'No business calendar link.',
      )}
${postForm('/calendar', call.session, html`<input type="hidden" name="for" value="business"><button class="alt">Make a business calendar link</button>`)}
<h2>Team members' calendars</h2>${list(
        feeds.filter((f) => f.user_id && f.user_id !== me),
        'None.',
      )}`
    : ''
  sendWorkPage(call, { title: 'Calendar on my phone', body: html`${mine}${business}` })
}

/** Team members' names by id, for an owner's list. */
async function teamNames(call: PageCall): Promise<Map<string, string>> {
  const users = await callQuery(callerOf(call), usersQuery, { limit: 100 })
  return new Map(users.items.map((u) => [u.id, u.name || u.email]))
}
