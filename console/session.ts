import type { Response } from 'express'
import { stateOf } from '../core/http/request-state.js'
import type { SessionPrincipal } from '../core/auth/sessions.js'
import { html } from './html.js'
import { layout, viewerOf } from './layout.js'
import { sendPage } from './send-page.js'

/** The signed-in person with one of the given roles; otherwise answers (sign-in redirect or 403 page) and returns null. */
export function personWithRole(res: Response, roles: Array<'owner' | 'technician'>): SessionPrincipal | null {
  const session = stateOf(res).session
  if (!session) {
    res.redirect(303, '/')
    return null
  }
  if (session.actor.type !== 'user' || !roles.includes(session.actor.role)) {
    sendPage(
      res,
      layout({
        title: 'Not allowed',
        viewer: viewerOf(session),
        body: html`<p>This page is for the business owner.</p><p><a href="/">Home</a></p>`,
      }),
      { status: 403 },
    )
    return null
  }
  return session
}
