import { Router, type Response } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { formatInstant } from '../../core/kernel/call-preview.js'
import {
  answerApprovalLink,
  viewApprovalLink,
  type ApprovalLinkProblem,
  type ApprovalLinkView,
} from '../../core/domains/approvals/approval-answer.js'
import type { LinkDecision } from '../../core/domains/approvals/approval-links.js'
import { DENIAL_REASONS } from '../../core/domains/approvals/denial-reasons.js'
import { AppError } from '../../core/kernel/errors.js'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import { stateOf } from '../../core/http/request-state.js'
import { field } from '../form-kit.js'
import { html, type SafeHtml } from '../html.js'
import { sendLinkPage } from '../link-page.js'
import { editsHtml, previewHtml, waitedWords } from '../owner/review/review-card.js'
import { defineCustomerPage } from './page-declaration.js'

/** Why a link does nothing, with the status its page is served with. */
const PROBLEM: Record<ApprovalLinkProblem, { status: number; text: string }> = {
  unknown: { status: 404, text: 'This link is not valid. Open the review page to see what is waiting for you.' },
  not_owner: { status: 403, text: 'This link was sent to an owner of the business who can no longer answer requests.' },
  used: { status: 409, text: 'This link was already used: the request has your answer.' },
  decided: { status: 409, text: 'This request was already answered, so there is nothing left to decide.' },
  expired: { status: 410, text: 'This request expired before it was answered, so it can no longer be allowed. The agent is told.' },
  replaced: { status: 410, text: 'This request was changed after this email: use the buttons in the newest email about it.' },
}

/** What the owner reads after the confirming press. */
const DONE: Record<string, string> = {
  executed: 'Done: the call ran.',
  denied: 'Denied; the agent will read your reason and note.',
}

/**
 * The owner's answer from the email about a queued call, on a phone not signed in: the link's secret is the credential
 * (bound to the business, the request, the version of its call and the owner it was sent to), so no session or CSRF
 * token applies. GET shows the card and one confirming button (mail scanners open links); POST decides.
 */
export function approvalLinkRoutes(services: Services, guesses: LinkGuesses): Router {
  const router = Router()
  router.get('/approve/:token', async (req, res) => {
    const view = await viewApprovalLink(services, req.params.token)
    if (view.problem === 'unknown') await guesses.unknown(req)
    if (view.problem) return problemPage(res, view, services.now())
    const decision: LinkDecision = req.query.decision === 'deny' ? 'deny' : 'allow_once'
    const r = view.request as Record<string, any>
    const action = `/approve/${req.params.token}`
    const confirm =
      decision === 'allow_once'
        ? html`<form method="post" action="${action}"><input type="hidden" name="request_id" value="${r.id}"><input type="hidden" name="decision" value="allow_once"><button>Yes, allow once</button></form>
<p><a href="${action}?decision=deny">Deny instead</a></p>`
        : html`<form method="post" action="${action}"><input type="hidden" name="request_id" value="${r.id}"><input type="hidden" name="decision" value="deny">
<label>Why not<select name="reason"><option value="">(choose)</option>${Object.entries(DENIAL_REASONS).map(([k, label]) => html`<option value="${k}">${label}</option>`)}</select></label>
<label>Note for the agent<textarea name="note" rows="2" maxlength="2000"></textarea></label><button class="deny">Yes, deny</button></form>
<p><a href="${action}?decision=allow_once">Allow once instead</a></p>`
    sendLinkPage(res, 200, decision === 'deny' ? 'Deny this?' : 'Allow this once?', html`${card(view, services.now())}${confirm}`)
  })
  router.post('/approve/:token', async (req, res) => {
    let view: ApprovalLinkView
    try {
      view = await answerApprovalLink(
        services,
        req.params.token,
        {
          request_id: field(req.body, 'request_id'),
          decision: field(req.body, 'decision'),
          note: field(req.body, 'note'),
          reason: field(req.body, 'reason'),
        },
        stateOf(res).requestId,
      )
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      return sendLinkPage(res, err.status, 'Not decided', html`<p><a href="/review">Open the review page</a></p>`, { error: err.message })
    }
    if (view.problem === 'unknown') await guesses.unknown(req)
    if (view.problem) return problemPage(res, view, services.now())
    const r = view.request as Record<string, any>
    if (r.status === 'failed')
      return sendLinkPage(res, 200, 'Allowed, but it failed', card(view, services.now()), { error: r.error?.message ?? 'The call failed.' })
    sendLinkPage(res, 200, 'Answered', card(view, services.now()), { ok: DONE[r.status] ?? 'Answered.' })
  })
  return router
}

/** The request as the owner's card shows it, with how long it has waited and when it expires. */
function card(view: ApprovalLinkView, now: Date): SafeHtml {
  const r = view.request as Record<string, any>
  const tz = r.preview?.timezone ?? 'UTC'
  return html`<div class="card"><p class="note">${view.businessName}</p>${previewHtml(r)}
${editsHtml(r)}<p>Why: ${r.reasoning ?? '(no reason given)'}</p>
<p class="note">Asked by ${r.agent_name ?? 'an agent'} · ${waitedWords(r.created_at, now)} · expires ${formatInstant(r.expires_at, tz)}</p></div>`
}

function problemPage(res: Response, view: ApprovalLinkView, now: Date): void {
  const p = PROBLEM[view.problem as ApprovalLinkProblem]
  const body = html`${view.request && view.problem !== 'unknown' ? card(view, now) : ''}<p><a href="/review">Open the review page</a></p>`
  sendLinkPage(res, p.status, 'Request', body, { error: p.text })
}

/** The owner's answer to a queued agent call from its email. */
export const approvalLinkPage = defineCustomerPage({
  mount: 'after_bodies',
  countsGuesses: true,
  routes: approvalLinkRoutes,
})
