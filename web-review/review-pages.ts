import { Router, type Response } from 'express'
import { stateOf } from '../api/request-context.js'
import type { SessionPrincipal } from '../core/auth/sessions.js'
import type { Services } from '../core/context.js'
import { AppError } from '../core/errors.js'
import { performAction, performQuery } from '../core/operations.js'
import { esc, form, page } from './html.js'
import { personWithRole } from './session.js'

/** What the queue page may say after a decision: ?done= carries one of these keys, never text of its own. */
const DECIDED: Record<string, string> = {
  executed: 'Done: the call ran.',
  denied: 'Denied; the agent will read your note.',
  failed: 'The call failed; the reason is under Decided.',
}

const NAV = '<nav><a href="/review">Waiting</a><a href="/review/history">Decided</a><a href="/review/permissions">Permissions</a></nav>'

/** The owner's pages: the queue of agent calls, the decided history, and the permission levels. */
export function reviewPages(services: Services): Router {
  const router = Router()
  const list = async (session: SessionPrincipal, res: Response, status?: string) =>
    (await performQuery(services, session, { type: 'authorization_requests', limit: 50, filters: status ? { status } : {} },
      { requestId: stateOf(res).requestId }) as { items: Array<Record<string, any>> }).items

  router.get('/review', async (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const pending = await list(session, res, 'pending')
    const said = typeof req.query.done === 'string' && Object.hasOwn(DECIDED, req.query.done) ? DECIDED[req.query.done] : ''
    const flash = said ? `<p class="ok">${esc(said)}</p>` : ''
    const cards = pending.map((r) => `<div class="card"><strong>${esc(r.summary)}</strong>
<p class="note">Asked by ${esc(r.agent_name ?? 'an agent')} · ${esc(new Date(r.created_at).toLocaleString('en-US'))} · expires ${esc(new Date(r.expires_at).toLocaleDateString('en-US'))}</p>
<p>Why: ${esc(r.reasoning ?? '(no reason given)')}</p>
<details><summary>Exact call: ${esc(r.action_key)}</summary><pre>${esc(JSON.stringify(r.data, null, 2))}</pre></details>
${form(`/review/${r.id}`, session.csrfToken, `<div class="row"><button name="decision" value="allow_once">Allow Once</button>
<button name="decision" value="allow_always" class="alt">Allow Always</button></div>
<label>Note for the agent<textarea name="note" rows="2"></textarea></label>
<button name="decision" value="deny" class="deny">Deny</button>`)}</div>`).join('')
    res.type('html').send(page('Waiting for you', NAV + flash + (cards || '<p class="note">Nothing is waiting for your decision.</p>')))
  })

  router.get('/review/history', async (_req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const all = (await list(session, res)).filter((r) => r.status !== 'pending')
    const rows = all.map((r) => `<div class="card"><strong>${esc(r.summary)}</strong>
<p>${esc(r.status)}${r.decision ? ` (${esc(r.decision.replace('_', ' '))})` : ''}${r.decided_at ? ` · ${esc(new Date(r.decided_at).toLocaleString('en-US'))}` : ''}</p>
${r.decision_note ? `<p class="note">Note: ${esc(r.decision_note)}</p>` : ''}${r.error ? `<p class="err">${esc(r.error.message)}</p>` : ''}</div>`).join('')
    res.type('html').send(page('Decided', NAV + (rows || '<p class="note">No decisions yet.</p>')))
  })

  router.get('/review/permissions', async (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const perms = (await performQuery(services, session, { type: 'permissions', limit: 100 }, { requestId: stateOf(res).requestId }) as { items: Array<Record<string, any>> }).items
    const levels = ['default', 'unrestricted', 'soft_limit', 'requires_authorization']
    const rows = perms.filter((p) => p.agents_allowed).map((p) => `<tr><td>${esc(p.action)}</td><td>${esc(p.effective)}${p.override ? ' <span class="note">(your choice)</span>' : ''}</td>
<td>${form('/review/permissions', session.csrfToken, `<input type="hidden" name="action" value="${esc(p.action)}"><select name="permission" aria-label="Level for ${esc(p.action)}">${levels.map((l) =>
      `<option value="${l}"${(p.override ?? 'default') === l ? ' selected' : ''}>${l === 'default' ? `default (${esc(p.registered)})` : l}</option>`).join('')}</select> <button class="inline">Set</button>`)}</td></tr>`).join('')
    // ?done= names the action just set; the page says only what the server itself holds for a registered action.
    const set = typeof req.query.done === 'string' ? perms.find((p) => p.action === req.query.done) : undefined
    const flash = set ? `<p class="ok">${esc(set.action)} is now ${esc(set.effective)}.</p>` : ''
    res.type('html').send(page('Permissions', `${NAV}${flash}<p class="note">What your office manager may do without asking. Allow Always raises an action to unrestricted; set it back here.</p>
<table><tr><th>Action</th><th>Level</th><th>Change</th></tr>${rows}</table>`))
  })

  router.post('/review/permissions', async (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    try {
      const out = await performAction(services, session, { domain: 'permission', action: 'set', data: { action: String(req.body?.action ?? ''), permission: String(req.body?.permission ?? '') } },
        { requestId: stateOf(res).requestId })
      const r = out.result as Record<string, string>
      res.redirect(303, `/review/permissions?done=${encodeURIComponent(r.action)}`)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      res.status(err.status).type('html').send(page('Permissions', `${NAV}<p class="err">${esc(err.message)}</p><p><a href="/review/permissions">Back</a></p>`))
    }
  })
  // After /review/permissions, which this pattern would otherwise also match.
  router.post('/review/:id', async (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const decision = String(req.body?.decision ?? '')
    const note = String(req.body?.note ?? '').trim() || undefined
    try {
      const out = await performAction(services, session, { domain: 'authorization', action: 'decide', data: { request_id: req.params.id, decision, note } },
        { requestId: stateOf(res).requestId })
      const status = String((out.result as Record<string, unknown>).status)
      res.redirect(303, `/review?done=${Object.hasOwn(DECIDED, status) ? status : 'failed'}`)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      res.status(err.status).type('html').send(page('Waiting for you', `${NAV}<p class="err">${esc(err.message)}</p><p><a href="/review">Back</a></p>`))
    }
  })

  return router
}
