import type { RequestHandler } from 'express'
import type { Services } from '../../../core/kernel/context.js'
import { html } from '../../html.js'
import { pageRoute, type Audience, type PageCall } from '../../page-route.js'
import { sendWorkPage } from '../../technician/context.js'
import { sendOwnerPage } from '../owner-page.js'
import { GOOGLE_PAGE } from './google-views.js'

/** The owner and technicians: each connects their own account; a refusal is shown on the page of their role. */
const PEOPLE: Audience = {
  roles: ['owner', 'technician'],
  errorPage(call, title, err) {
    const back = html`<p><a href="${GOOGLE_PAGE}">Back to Google</a></p>`
    if (call.session.actor.type === 'user' && call.session.actor.role === 'owner') {
      sendOwnerPage(call.res, title, back, { status: err.status, error: err.message })
    } else {
      sendWorkPage(call, { title, body: back, error: err.message }, err.status)
    }
  },
}

/** A route of the Google pages (see pageRoute), open to the owner and technicians alike. */
export function googleRoute(services: Services, handler: (call: PageCall) => Promise<unknown> | unknown): RequestHandler {
  return pageRoute(services, PEOPLE, handler)
}

/** The signed-in person's role. */
export function roleOf(call: PageCall): 'owner' | 'technician' {
  return call.session.actor.type === 'user' && call.session.actor.role === 'owner' ? 'owner' : 'technician'
}
