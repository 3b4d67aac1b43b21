import { Router, type Response } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import type { Services } from '../../../core/kernel/context.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { authorizationRequestsQuery } from '../../../core/domains/approvals/queries.js'
import { editAuthorizationRequest } from '../../../core/domains/approvals/actions.js'
import { editableFields, editedCall, fieldInputs } from './edit-fields.js'
import { form, html } from '../../html.js'
import { previewHtml, type RequestRecord } from './review-card.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'

/** The owner's edit of a queued call before allowing it: GET shows the form, POST stores the edited call. */
export function editPage(services: Services): Router {
  const router = Router()
  const load = async (session: SessionPrincipal, res: Response, id: string) =>
    await callQuery({ services, principal: session, requestId: stateOf(res).requestId }, authorizationRequestsQuery, { id })
  const render = (res: Response, r: RequestRecord, csrf: string, values: Record<string, unknown>, problem?: string, status = 200) => {
    const def = services.registry.actions.get(String(r.action_key))
    const fields = def ? editableFields(def) : []
    const tz = r.preview?.timezone ?? 'UTC'
    const body = fields.length
      ? html`${form(`/review/${r.id}/edit`, csrf, html`${fieldInputs(fields, values, tz)}<button>Save changes</button>`)}
<p class="note">Saving checks the call again against your data; nothing runs until you allow it.</p>`
      : html`<p class="note">This call has nothing you can change here. Allow it, or deny it with a note saying what the agent should do instead.</p>`
    sendOwnerPage(
      res,
      'Change before allowing',
      html`<div class="card">${previewHtml(r)}</div>
${problem ? html`<p class="err">${problem}</p>` : ''}${body}<p><a href="/review">Back</a></p>`,
      { status },
    )
  }

  router.get(
    '/review/:id/edit',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      onError((err) => {
        sendOwnerPage(res, 'Change before allowing', html`<p><a href="/review">Back</a></p>`, { error: err.message, status: err.status })
      })
      const r = await load(session, res, req.params.id)
      render(res, r, session.csrfToken, r.data)
    }),
  )

  router.post(
    '/review/:id/edit',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      let r: RequestRecord
      onError((err) => {
        return sendOwnerPage(res, 'Change before allowing', html`<p><a href="/review">Back</a></p>`, {
          error: err.message,
          status: err.status,
        })
      })
      r = await load(session, res, req.params.id)
      const def = services.registry.actions.get(String(r.action_key))
      const fields = def ? editableFields(def) : []
      const typed = Object.fromEntries(fields.map((f) => [f.name, req.body?.[`f_${f.name}`]]))
      const { data, problems } = editedCall(fields, r.data, req.body ?? {}, r.preview?.timezone ?? 'UTC')
      if (problems.length) return render(res, r, session.csrfToken, typed, `Nothing was changed. ${problems.join('; ')}`, 400)
      onError((err) => {
        render(res, r, session.csrfToken, typed, `Nothing was changed. ${err.message}`, err.status)
      })
      await callAction({ services, principal: session, requestId: stateOf(res).requestId }, editAuthorizationRequest, {
        request_id: r.id,
        data,
      })
      res.redirect(303, '/review?done=edited')
    }),
  )
  return router
}
