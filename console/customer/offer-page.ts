import { Router, type Response } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { pickOfferSlot, viewOfferLink, type OfferProblem, type OfferView } from '../../core/domains/offers/offer-links.js'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import { stateOf } from '../../core/http/request-state.js'
import { field } from '../form-kit.js'
import { html, type SafeHtml } from '../html.js'
import { sendLinkPage } from '../link-page.js'
import { defineCustomerPage } from './page-declaration.js'

/** Why a link books nothing, with the status the page is served with. */
const PROBLEM: Record<OfferProblem, { status: number; text: string }> = {
  unknown: {
    status: 404,
    text: 'This link is not valid. Please use the link in your most recent email, or contact the business that sent it.',
  },
  expired: { status: 410, text: 'These times are no longer on offer: the link has expired. Please contact us for a new time.' },
  revoked: { status: 410, text: 'These times were withdrawn. Please contact us to find a time.' },
  booked: { status: 409, text: 'A time was already picked through this link, so no other can be booked with it.' },
  taken: { status: 409, text: 'Sorry, that time was just taken. Please pick another one.' },
  gone: { status: 409, text: 'That time is no longer on offer. Please pick another one.' },
  closed: { status: 409, text: 'This visit cannot be booked online any more. Please contact us to find a time.' },
}

/**
 * The customer's page for times offered by email, reached without signing in. GET lists the times, one button each
 * (mail scanners open links); POST books the one picked. The secret in the address is the only credential: an unknown
 * one counts with the client's other unknown links.
 */
export function offerRoutes(services: Services, guesses: LinkGuesses): Router {
  const router = Router()
  router.get('/offer/:token', async (req, res) => {
    const view = await viewOfferLink(services, req.params.token)
    if (view.problem === 'unknown') await guesses.unknown(req)
    if (view.problem) return problemPage(res, req.params.token, view.problem, view)
    if (view.booked)
      return sendLinkPage(res, 200, 'Your visit is booked', html`${offerCard(view)}${afterBooking(view)}`, { ok: bookedLine(view) })
    sendLinkPage(res, 200, 'Pick a time', html`${offerCard(view)}${choices(req.params.token, view)}`)
  })
  router.post('/offer/:token', async (req, res) => {
    const view = await pickOfferSlot(services, req.params.token, field(req.body, 'slot'), stateOf(res).requestId)
    if (view.problem === 'unknown') await guesses.unknown(req)
    if (view.problem) return problemPage(res, req.params.token, view.problem, view)
    sendLinkPage(res, 200, 'Your visit is booked', html`${offerCard(view)}${afterBooking(view)}`, { ok: bookedLine(view) })
  })
  return router
}

function bookedLine(view: OfferView): string {
  return `Thank you: your visit is booked and confirmed for ${view.booked}.`
}

/** Picking was the confirmation: nothing more to do, and when the reminder comes. */
function afterBooking(view: OfferView): SafeHtml {
  return html`<p>There is nothing else to confirm.${view.reminderOn ? ` We will email you a reminder on ${view.reminderOn}.` : ''}</p>`
}

function problemPage(res: Response, token: string, problem: OfferProblem, view: OfferView): void {
  const p = PROBLEM[problem]
  if (problem === 'unknown') return sendLinkPage(res, p.status, 'Times offered', html``, { error: p.text })
  const body = html`${offerCard(view)}${view.booked ? html`<p>Your visit is booked for ${view.booked}.</p>` : ''}${
    view.slots?.length
      ? choices(token, view)
      : problem === 'taken' || problem === 'gone'
        ? html`<p>No other time is left on offer: please contact us.</p>`
        : ''
  }`
  sendLinkPage(res, p.status, view.booked ? 'Your visit is booked' : 'Times offered', body, { error: p.text })
}

/** What the visit is for, and the business's note. */
function offerCard(view: OfferView): SafeHtml {
  return html`<div class="card"><strong>${view.businessName}</strong><p>${(view.services ?? []).join(', ')}</p>${
    view.note ? html`<p>${view.note}</p>` : ''
  }</div>`
}

/** One button per time still on offer: a plain form each, so no script is needed. */
function choices(token: string, view: OfferView): SafeHtml {
  const items = (view.slots ?? []).map(
    (s) =>
      html`<li><form method="post" action="/offer/${token}"><input type="hidden" name="slot" value="${s.id}"><button>${s.when}</button></form></li>`,
  )
  return html`<p>Pick the time that suits you: your pick books the visit and confirms it, and the other times are released.</p>
<p><strong>${view.pickBy}</strong></p><ul class="history">${items}</ul>`
}

/** The page an offer of times opens. */
export const offerPage = defineCustomerPage({
  mount: 'after_bodies',
  countsGuesses: true,
  routes: offerRoutes,
})
