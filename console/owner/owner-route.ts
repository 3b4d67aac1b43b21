import type { RequestHandler, Response } from 'express'
import { stateOf } from '../../core/http/request-state.js'
import type { SessionPrincipal } from '../../core/auth/sessions.js'
import type { Caller } from '../../core/kernel/call-action.js'
import type { Services } from '../../core/kernel/context.js'
import { html } from '../html.js'
import { pageRoute, type Audience, type PageCall } from '../page-route.js'
import { sendOwnerPage } from './owner-page.js'

/** The owner alone; a refusal no form re-renders is shown on an owner's page with its message and status. */
const OWNERS: Audience = {
  roles: ['owner'],
  errorPage(call, title, err) {
    sendOwnerPage(call.res, title, html`<p><a href="/">Home</a></p>`, { status: err.status, error: err.message })
  },
}

/** An owner's page route (see pageRoute): signed-in owner, the form's re-render on a refusal, else the error page. */
export function ownerRoute(services: Services, handler: (call: PageCall) => Promise<unknown> | unknown): RequestHandler {
  return pageRoute(services, OWNERS, handler)
}

/** The signed-in person's caller for registered queries and actions, within this request. */
export function callerOf(services: Services, session: SessionPrincipal, res: Response): Caller {
  return { services, principal: session, requestId: stateOf(res).requestId }
}
