import { Router } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import type { Services } from '../../../core/kernel/context.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { createAgentTokenAction, revokeAgentTokenAction } from '../../../core/domains/agent-tokens/actions.js'
import { agentTokensQuery } from '../../../core/domains/agent-tokens/queries.js'
import { settingsQuery } from '../../../core/domains/settings/queries.js'
import { form, html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'
import { field, fieldError, fieldErrorsOf, textField, type FieldErrors } from '../../form-kit.js'

/** The form that makes a new agent token, with what to fix in its name after a refusal. */
function newTokenForm(csrf: string, name: string, problems: FieldErrors) {
  return html`<h2>New agent token</h2>${form(
    '/review/connections/new',
    csrf,
    html`${textField(
      'name',
      'What it is for',
      name,
      problems,
      html` required maxlength="200" autocomplete="off"`,
    )}<button>Make a token</button>`,
  )}${fieldError(problems, '')}
<p class="note">The token is shown once, right after it is made. Give it to your agent as its Bearer token.</p>`
}

/** The owner's connected apps and agent tokens: what reaches the business as its agent, a way to cut each off, and making a new token. */
export function connectionsPage(services: Services): Router {
  const router = Router()

  router.get(
    '/review/connections',
    ownerRoute(services, async ({ req, res, session }) => {
      const requestId = stateOf(res).requestId
      const caller = { services, principal: session, requestId }
      const tokens = (await callQuery(caller, agentTokensQuery, { limit: 100 })).items
      const [settings] = (await callQuery(caller, settingsQuery, { limit: 1 })).items
      const tz = String(settings?.timezone ?? 'UTC')
      const rows = tokens.map(
        (t) => html`<div class="card"><b>${t.name}</b> <span class="note">${t.prefix}</span>
<p class="note">${t.oauth_client_id ? 'Connected by you with OAuth' : 'Agent token'} · added ${formatInstant(t.created_at, tz)}
· ${t.last_used_at ? `last used ${formatInstant(t.last_used_at, tz)}` : 'never used'}</p>
${
  t.revoked_at
    ? html`<p class="note">Disconnected ${formatInstant(t.revoked_at, tz)}</p>`
    : form(
        `/review/connections/${encodeURIComponent(t.id)}/revoke`,
        session.csrfToken,
        html`<button class="deny small">Disconnect</button>`,
      )
}</div>`,
      )
      sendOwnerPage(
        res,
        'Connected apps',
        html`<p class="note">Apps and tokens that act as your office manager.
Disconnecting one stops it at once; what it asked you first stays in your history.</p>${rows.length ? rows : html`<p class="note">Nothing is connected.</p>`}
${newTokenForm(session.csrfToken, '', new Map())}`,
        { ok: req.query.done === 'revoked' ? 'Disconnected: it can no longer act for your business.' : undefined },
      )
    }),
  )

  // The secret is in this answer only: shown directly (never through a redirect or a link), and the page is never stored.
  router.post(
    '/review/connections/new',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const name = field(req.body, 'name')
      onError((err) => {
        return sendOwnerPage(
          res,
          'Connected apps',
          html`${newTokenForm(session.csrfToken, name, fieldErrorsOf(err))}<p><a href="/review/connections">Back</a></p>`,
          { status: err.status, error: `No token was made. ${err.message}` },
        )
      })
      const made = await callAction({ services, principal: session, requestId: stateOf(res).requestId }, createAgentTokenAction, { name })
      const token = made.result as { name: string; prefix: string; token: string | null }
      sendOwnerPage(
        res,
        'Your new agent token',
        html`<p>Copy it now: it is shown only this once and cannot be shown again.</p>
<label>Token for ${token.name}<textarea readonly rows="3" data-secret>${token.token ?? ''}</textarea></label>
<p class="note">Your agent sends it as <code>Authorization: Bearer …</code>. Lost it? Disconnect ${token.prefix} and make another.</p>
<p><a href="/review/connections">Back to connected apps</a></p>`,
        { ok: 'Token made.' },
      )
    }),
  )

  router.post(
    '/review/connections/:id/revoke',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      onError((err) => {
        return sendOwnerPage(res, 'Connected apps', html`<p><a href="/review/connections">Back</a></p>`, {
          status: err.status,
          error: `Nothing was changed. ${err.message}`,
        })
      })
      await callAction({ services, principal: session, requestId: stateOf(res).requestId }, revokeAgentTokenAction, {
        agent_token_id: req.params.id,
      })
      res.redirect(303, '/review/connections?done=revoked')
    }),
  )
  return router
}
