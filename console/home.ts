import type { NextFunction, Request, Response } from 'express'
import { stateOf } from '../core/http/request-state.js'
import { html, signInForm } from './html.js'
import { layout, viewerOf } from './layout.js'
import { sendPage } from './send-page.js'

/** GET /: the sign-in form, or a technician's links and a way out; the owner's Home is the console's home page. */
export function homePage(_req: Request, res: Response, next: NextFunction): void {
  const session = stateOf(res).session
  if (!session) {
    sendPage(res, layout({ title: 'Sign in', body: signInForm() }))
    return
  }
  if (session.actor.type === 'user' && session.actor.role === 'owner') return next()
  const who = session.actor.type === 'user' ? `${session.actor.name || session.email} (${session.actor.role})` : ''
  const links = html`<p><a href="/today">Today's tickets</a></p><p><a href="/settings/google">My Google Calendar</a></p>`
  sendPage(
    res,
    layout({
      title: 'Service CRM',
      viewer: viewerOf(session),
      body: html`<p>Signed in as ${who}.</p>${links}
<form method="post" action="/auth/logout"><input type="hidden" name="_csrf" value="${session.csrfToken}"><button>Sign out</button></form>`,
    }),
  )
}
