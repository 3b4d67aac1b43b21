import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { dismissOpening, setOpeningDistance } from '../../../core/domains/openings/actions.js'
import { openingSettingsQuery, scheduleOpeningsQuery } from '../../../core/domains/openings/queries.js'
import { sendSlotOffer } from '../../../core/domains/offers/actions.js'
import { AppError } from '../../../core/kernel/errors.js'
import { doneLine, field, typedNumber } from '../../form-kit.js'
import { form, html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** What the page may say after a change: ?done= carries one of these keys. */
const DONE: Record<string, string> = {
  offered: 'Offered by email: the first to pick books it, and the others are told it went.',
  dismissed: 'Left free.',
  distance: 'Distance saved.',
}

const WHY = { cancelled: 'cancelled', no_show: 'a no-show', moved: 'moved', free: 'never booked' } as const

/** Openings: times a cancel, a no-show or a move left free, the waitlisted customers near them, and one press to offer one. */
export function openingsPages(services: Services): Router {
  const router = Router()

  router.get(
    '/openings',
    ownerRoute(services, async ({ req, res, session }) => {
      await sendOpenings(res, session, callerOf(services, session, res), { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/openings/:id/offer',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      try {
        const opening = await callQuery(caller, scheduleOpeningsQuery, { id: req.params.id, params: { candidates: 10 } })
        const chosen = opening.candidates.find((c) => c.waitlist_entry_id === field(req.body, 'waitlist_entry_id'))
        if (!chosen) throw new AppError('CONFLICT', 'That customer can no longer take this time; the page shows who can now')
        if (!chosen.offer)
          throw new AppError(
            'CONFLICT',
            `${chosen.contact_name}'s waitlist entry names no service, and they have no visit to go by: add one to the entry`,
          )
        await callAction(caller, sendSlotOffer, chosen.offer as never)
        res.redirect(303, '/openings?done=offered')
      } catch (err) {
        await failed(res, session, caller, err)
      }
    }),
  )

  router.post(
    '/openings/:id/dismiss',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      try {
        await callAction(caller, dismissOpening, { opening_id: req.params.id })
        res.redirect(303, '/openings?done=dismissed')
      } catch (err) {
        await failed(res, session, caller, err)
      }
    }),
  )

  router.post(
    '/openings/distance',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      try {
        await callAction(caller, setOpeningDistance, { km: typedNumber(req.body, 'km') } as never)
        res.redirect(303, '/openings?done=distance')
      } catch (err) {
        await failed(res, session, caller, err)
      }
    }),
  )

  return router
}

async function failed(res: Response, session: SessionPrincipal, caller: Caller, err: unknown): Promise<void> {
  if (!(err instanceof AppError)) throw err
  await sendOpenings(res, session, caller, { error: `Nothing was changed. ${err.message}`, status: err.status })
}

async function sendOpenings(
  res: Response,
  session: SessionPrincipal,
  caller: Caller,
  opts: { ok?: string; error?: string; status?: number },
) {
  const openings = (await callQuery(caller, scheduleOpeningsQuery, { params: { kind: 'left', candidates: 5 }, limit: 50 })).items
  const km = await distanceKm(caller)
  const csrf = session.csrfToken
  const cards = openings.map(
    (g) =>
      html`<div class="card"><b>${g.slot}</b><div class="muted">#${g.ticket_number} was ${WHY[g.reason]}${
        g.offered_to.length ? ` · offered to ${g.offered_to.join(', ')}` : ''
      }</div>${
        g.candidates.length
          ? html`<ul class="home">${g.candidates.map(
              (c) =>
                html`<li class="wrap"><a href="/customers/${c.contact_id}">${c.contact_name}</a>, ${c.near}${form(
                  `/openings/${g.id}/offer`,
                  csrf,
                  html`<input type="hidden" name="waitlist_entry_id" value="${c.waitlist_entry_id}"><button class="small" aria-label="Offer the time to ${c.contact_name}">Offer this time</button>`,
                )}</li>`,
            )}</ul>`
          : html`<p class="muted">Nobody on the waitlist lives near enough or fits this time.</p>`
      }${form(`/openings/${g.id}/dismiss`, csrf, html`<button class="small second">Leave it free</button>`)}</div>`,
  )
  sendOwnerPage(
    res,
    'Openings',
    html`<p class="muted">Times a cancel, a no-show or a move left free in the next two weeks, and who on the waitlist lives within ${km} km of the visits around them.</p>${
      cards.length ? cards : html`<p class="note">No openings right now.</p>`
    }<h2>How near</h2>${form(
      '/openings/distance',
      csrf,
      html`<label>Within this many km of the technician's visits<input name="km" inputmode="decimal" value="${km}"></label><button class="second">Save</button>`,
    )}`,
    opts,
  )
}

/** The owner's distance, in km, as schedule_opening.set_distance set it. */
async function distanceKm(caller: Caller): Promise<string> {
  const [settings] = (await callQuery(caller, openingSettingsQuery, {})).items
  return String(settings.km)
}
