import { Router, type Response } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import type { Services } from '../../../core/kernel/context.js'
import type { z } from 'zod'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { decideAuthorizationRequest } from '../../../core/domains/approvals/actions.js'
import { authorizationRequestsQuery } from '../../../core/domains/approvals/queries.js'
import { askedEveryTimeBecause } from '../../../core/domains/approvals/queue.js'
import { DENIAL_REASONS, type DenialReason } from '../../../core/domains/approvals/denial-reasons.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import { phraseOf } from '../../../core/text/action-words.js'
import { form, html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { batchForm, editsHtml, previewHtml, reviewCard, type RequestRecord } from './review-card.js'
import { AppError, validationError } from '../../../core/kernel/errors.js'
import { ownerRoute } from '../owner-route.js'
import { field } from '../../form-kit.js'

/** The most requests one batch answers: the queue page shows at most this many. */
const BATCH_MAX = 50

/** What the queue page may say after a decision: ?done= carries one of these keys, never text of its own. */
const DECIDED: Record<string, string> = {
  executed: 'Done: the call ran.',
  denied: 'Denied; the agent will read your reason and note.',
  failed: 'The call failed; the reason is under Decided.',
  edited: 'Changed. Check the card, then allow or deny it.',
}

/** The owner's pages: the queue of agent calls and the decided history. */
export function reviewPages(services: Services): Router {
  const router = Router()
  const caller = (session: SessionPrincipal, res: Response): Caller => ({ services, principal: session, requestId: stateOf(res).requestId })
  const list = async (session: SessionPrincipal, res: Response, status?: 'pending') =>
    (await callQuery(caller(session, res), authorizationRequestsQuery, { params: status ? { status } : {}, limit: 50 })).items

  router.get(
    '/review',
    ownerRoute(services, async ({ req, res, session }) => {
      const pending = await list(session, res, 'pending')
      const said = typeof req.query.done === 'string' && Object.hasOwn(DECIDED, req.query.done) ? DECIDED[req.query.done] : ''
      const now = services.now()
      const cards = pending.map((r) => reviewCard(r, session.csrfToken, askedEachTimeBecause(services, r), now))
      const body = cards.length > 1 ? [batchForm(session.csrfToken), ...cards] : cards
      sendOwnerPage(res, 'Waiting for you', body.length ? body : html`<p class="note">Nothing is waiting for your decision.</p>`, {
        ok: said,
      })
    }),
  )

  router.get(
    '/review/history',
    ownerRoute(services, async ({ res, session }) => {
      const all = (await list(session, res)).filter((r) => r.status !== 'pending')
      const rows = all.map(
        (r) => html`<div class="card">${previewHtml(r)}
<p>${r.status}${r.decision ? ` (${r.decision.replace('_', ' ')})` : ''}${r.decided_at ? ` · ${formatInstant(r.decided_at, String(r.preview?.timezone ?? 'UTC'))}` : ''}</p>
${editsHtml(r)}${r.decision_reason ? html`<p class="note">Reason: ${DENIAL_REASONS[r.decision_reason as DenialReason] ?? r.decision_reason}</p>` : ''}${
  r.decision_note ? html`<p class="note">Note: ${r.decision_note}</p>` : ''
}${r.error ? html`<p class="err">${r.error.message}</p>` : ''}</div>`,
      )
      sendOwnerPage(res, 'Decided', rows.length ? rows : html`<p class="note">No decisions yet.</p>`)
    }),
  )

  // Several requests answered together, each in its own transaction: one that can no longer be decided leaves the others.
  router.post(
    '/review/batch',
    ownerRoute(services, async ({ req, res, session }) => {
      const raw = req.body?.request_id
      const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String).slice(0, BATCH_MAX)
      const decision = field(req.body, 'decision')
      if (!ids.length)
        throw validationError([{ field: 'request_id', message: 'select at least one request (its Select box), then Allow Once or Deny' }])
      if (decision !== 'allow_once' && decision !== 'deny')
        throw validationError([{ field: 'decision', message: 'answer the selected requests with Allow Once or Deny' }])
      const note = field(req.body, 'note') || undefined
      const lines: SafeHtml[] = []
      let done = 0
      for (const id of ids) {
        try {
          const out = await callAction(caller(session, res), decideAuthorizationRequest, { request_id: id, decision, note })
          const r = out.result as RequestRecord
          if (r.status !== 'failed') done++
          lines.push(
            html`<li>${r.summary}: ${r.status === 'failed' ? html`<span class="err">failed: ${r.error?.message ?? ''}</span>` : r.status}</li>`,
          )
        } catch (err) {
          if (!(err instanceof AppError)) throw err
          lines.push(html`<li>${id}: <span class="err">${err.message}</span></li>`)
        }
      }
      const verb = decision === 'deny' ? 'Denied' : 'Allowed'
      sendOwnerPage(res, 'Answered together', html`<ul>${lines}</ul><p><a href="/review">Back to the queue</a></p>`, {
        ok: `${verb} ${done} of ${ids.length}.`,
      })
    }),
  )

  // After the permissions and rules routes mounted above, which this pattern would otherwise also match.
  router.post(
    '/review/:id',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const decision = field(req.body, 'decision')
      const note = field(req.body, 'note') || undefined
      const reason = decision === 'deny' ? field(req.body, 'reason') || undefined : undefined
      onError((err) => {
        sendOwnerPage(res, 'Waiting for you', html`<p><a href="/review">Back</a></p>`, { error: err.message, status: err.status })
      })
      // Allow Always changes what the agent may do from now on, so it takes a second, explicit step.
      if (decision === 'allow_always' && req.body?.confirm !== 'yes') {
        const r = await callQuery(caller(session, res), authorizationRequestsQuery, { id: req.params.id })
        return sendOwnerPage(res, 'Allow always?', allowAlwaysStep(services, r, session.csrfToken))
      }
      // The form's strings as they came: the action's own input schema checks them and names a wrong field.
      const data = { request_id: req.params.id, decision, note, reason } as z.input<typeof decideAuthorizationRequest.input>
      const out = await callAction(caller(session, res), decideAuthorizationRequest, data)
      const r = out.result
      res.redirect(303, `/review?done=${Object.hasOwn(DECIDED, r.status) ? r.status : 'failed'}`)
    }),
  )

  return router
}

/** Why the agent must ask about this call every time (fields only the owner may let it give, words pointing customers elsewhere or about paying, money), or null. */
function askedEachTimeBecause(services: Services, r: RequestRecord): string | null {
  const reasons = askedEveryTimeBecause(services.registry.actions.get(String(r.action_key)), r.data, r.preview)
  return reasons.length ? reasons.join('; and it ') : null
}

/** The second step of Allow Always: what it grants from now on, in plain words, with Allow Once still at hand. */
function allowAlwaysStep(services: Services, r: RequestRecord, csrf: string): SafeHtml {
  const def = services.registry.actions.get(String(r.action_key))
  const what = def ? phraseOf(def) : String(r.action_key)
  return html`<div class="card">${previewHtml(r)}</div>
<p>Allow Always runs this now <b>and from now on the agent may ${what} without asking you</b>, for any customer and any amount.</p>
<p class="note">You can take it back on the Permissions page. To allow only some of these calls (e.g. up to an amount), add a rule there instead.</p>
${form(
  `/review/${r.id}`,
  csrf,
  html`<input type="hidden" name="decision" value="allow_always"><input type="hidden" name="confirm" value="yes">
<button>Yes, from now on the agent may ${what}</button>`,
)}
${form(`/review/${r.id}`, csrf, html`<button name="decision" value="allow_once" class="second">Just this once (Allow Once)</button>`)}
<p><a href="/review">Back, decide later</a></p>`
}
