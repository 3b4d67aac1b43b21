import { Router, type Response } from 'express'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import type { Services } from '../../core/kernel/context.js'
import type { CustomerAnswer } from '../../core/domains/messages/appointment-messages.js'
import {
  ANSWER_NOTE_MAX,
  answerResponseLink,
  viewResponseLink,
  type LinkProblem,
  type ResponseLinkView,
} from '../../core/domains/messages/response-links.js'
import { stateOf } from '../../core/http/request-state.js'
import { html, type SafeHtml } from '../html.js'
import { sendLinkPage } from '../link-page.js'
import { field } from '../form-kit.js'
import { defineCustomerPage } from './page-declaration.js'

/** What each link asks and the button that answers. */
const ASK: Record<CustomerAnswer, { title: string; button: string; note?: string }> = {
  confirm: { title: 'Confirm your appointment', button: 'Confirm this time' },
  decline: { title: 'Cannot make it?', button: 'I cannot make it', note: 'Anything we should know? (optional)' },
  change: { title: 'Ask for a different time', button: 'Ask for a different time', note: 'Which days and times suit you? (optional)' },
}

/** What the customer reads after answering. */
const DONE: Record<CustomerAnswer, string> = {
  confirm: 'Thank you: your appointment is confirmed. See you then.',
  decline: 'Thank you for letting us know. We will be in touch to find another time.',
  change: 'Thank you: we will be in touch to find a time that suits you.',
}

/** Why a link does nothing, with the status the page is served with. */
const PROBLEM: Record<LinkProblem, { status: number; text: string }> = {
  unknown: {
    status: 404,
    text: 'This link is not valid. Please use the link in your most recent email, or contact the business that sent it.',
  },
  used: { status: 409, text: 'This link was already used: we have your answer.' },
  expired: { status: 410, text: 'This link has expired because the appointment time has passed.' },
  moved: { status: 410, text: 'This appointment has moved to a new time. Please use the link in the newest email about it.' },
  wrong_purpose: { status: 400, text: 'This link cannot give that answer. Please use the matching link in your email.' },
  cancelled: { status: 409, text: 'This appointment was cancelled, so there is nothing to answer.' },
  closed: { status: 409, text: 'This appointment is already under way or done, so there is nothing to answer.' },
}

const STATUS_WORDS: Record<string, string> = {
  pending: 'waiting for your answer',
  accepted: 'confirmed',
  declined: 'declined',
  change_requested: 'a different time was requested',
}

/**
 * The customer's answer pages, reached from an appointment email without signing in. GET only shows the question with
 * one button (mail scanners open links); POST answers. The secret in the address is the only credential: an unknown
 * one counts with the client's other unknown links.
 */
export function respondRoutes(services: Services, guesses: LinkGuesses): Router {
  const router = Router()
  router.get('/respond/:token', async (req, res) => {
    const view = await viewResponseLink(services, req.params.token)
    if (view.problem === 'unknown') await guesses.unknown(req)
    if (view.problem) return problemPage(res, view.problem, view)
    const ask = ASK[view.purpose as CustomerAnswer]
    const note = ask.note ? html`<label>${ask.note}<textarea name="note" rows="3" maxlength="${ANSWER_NOTE_MAX}"></textarea></label>` : ''
    sendLinkPage(
      res,
      200,
      ask.title,
      html`${appointment(view)}
<form method="post" action="/respond/${req.params.token}"><input type="hidden" name="answer" value="${view.purpose}">${note}<button>${ask.button}</button></form>`,
    )
  })
  router.post('/respond/:token', async (req, res) => {
    const answer = field(req.body, 'answer')
    const note = field(req.body, 'note')
    const view = await answerResponseLink(services, req.params.token, answer, note, stateOf(res).requestId)
    if (view.problem === 'unknown') await guesses.unknown(req)
    if (view.problem) return problemPage(res, view.problem, view)
    sendLinkPage(res, 200, 'Thank you', html`${appointment(view)}`, { ok: DONE[view.purpose as CustomerAnswer] })
  })
  return router
}

function problemPage(res: Response, problem: LinkProblem, view: ResponseLinkView): void {
  const p = PROBLEM[problem]
  const now =
    view.confirmationStatus && problem === 'used'
      ? html`<p>Your appointment is ${STATUS_WORDS[view.confirmationStatus] ?? view.confirmationStatus}.</p>`
      : ''
  sendLinkPage(res, p.status, 'Appointment', html`${view.when ? appointment(view) : ''}${now}`, { error: p.text })
}

function appointment(view: ResponseLinkView): SafeHtml {
  return html`<div class="card"><strong>${view.businessName}</strong><p>${view.when}</p></div>`
}

/** The page an appointment answer link opens. */
export const respondPage = defineCustomerPage({
  mount: 'after_bodies',
  countsGuesses: true,
  routes: respondRoutes,
})
