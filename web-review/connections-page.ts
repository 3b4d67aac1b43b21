import { Router } from 'express'
import { stateOf } from '../api/request-context.js'
import { formatInstant } from '../core/call-preview.js'
import type { Services } from '../core/context.js'
import { AppError } from '../core/errors.js'
import { performAction, performQuery } from '../core/operations.js'
import { esc, form, page } from './html.js'
import { REVIEW_NAV } from './review-nav.js'
import { personWithRole } from './session.js'

type Row = Record<string, any>

/** The owner's connected apps and agent tokens: what reaches the business as its agent, and a way to cut each off. */
export function connectionsPage(services: Services): Router {
  const router = Router()

  router.get('/review/connections', async (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const requestId = stateOf(res).requestId
    const tokens = (await performQuery(services, session, { type: 'agent_tokens', limit: 100, filters: {} }, { requestId }) as { items: Row[] }).items
    const [settings] = (await performQuery(services, session, { type: 'settings', limit: 1, filters: {} }, { requestId }) as { items: Row[] }).items
    const tz = String(settings?.timezone ?? 'UTC')
    const flash = req.query.done === 'revoked' ? '<p class="ok">Disconnected: it can no longer act for your business.</p>' : ''
    const rows = tokens.map((t) => `<div class="card"><b>${esc(t.name)}</b> <span class="note">${esc(t.prefix)}</span>
<p class="note">${t.oauth_client_id ? 'Connected by you with OAuth' : 'Agent token made by the operator'} · added ${esc(formatInstant(t.created_at, tz))}
· ${t.last_used_at ? `last used ${esc(formatInstant(t.last_used_at, tz))}` : 'never used'}</p>
${t.revoked_at ? `<p class="note">Disconnected ${esc(formatInstant(t.revoked_at, tz))}</p>`
    : form(`/review/connections/${encodeURIComponent(t.id)}/revoke`, session.csrfToken, '<button class="deny small">Disconnect</button>')}</div>`).join('')
    res.type('html').send(page('Connected apps', `${REVIEW_NAV}${flash}<p class="note">Apps and tokens that act as your office manager.
Disconnecting one stops it at once; what it asked you first stays in your history.</p>${rows || '<p class="note">Nothing is connected.</p>'}`))
  })

  router.post('/review/connections/:id/revoke', async (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    try {
      await performAction(services, session, { domain: 'agent_token', action: 'revoke', data: { agent_token_id: req.params.id } },
        { requestId: stateOf(res).requestId })
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      return res.status(err.status).type('html').send(page('Connected apps', `${REVIEW_NAV}<p class="err">Nothing was changed. ${esc(err.message)}</p>
<p><a href="/review/connections">Back</a></p>`))
    }
    res.redirect(303, '/review/connections?done=revoked')
  })
  return router
}
