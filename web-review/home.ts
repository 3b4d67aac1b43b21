import type { Request, Response } from 'express'
import { stateOf } from '../api/request-context.js'
import { html, signInForm } from './html.js'
import { layout, viewerOf } from './layout.js'
import { exportLinks } from './owner/export-links.js'
import { sendPage } from './send-page.js'

/** GET /: who is signed in and a way out, or the sign-in form. */
export function homePage(_req: Request, res: Response): void {
  const session = stateOf(res).session
  if (!session) {
    sendPage(res, layout({ title: 'Sign in', body: signInForm() }))
    return
  }
  const who = session.actor.type === 'user' ? `${session.actor.name || session.email} (${session.actor.role})` : ''
  const links = session.actor.type === 'user' && session.actor.role === 'owner'
    ? html`<p><a href="/review">Requests waiting for you</a> · <a href="/review/permissions">Permissions</a> · <a href="/review/connections">Connected apps</a> · <a href="/messages">Scheduled emails</a> · <a href="/today">Today</a> · <a href="/import">Import customers</a></p>${exportLinks()}`
    : html`<p><a href="/today">Today's tickets</a></p>`
  sendPage(res, layout({ title: 'Service CRM', viewer: viewerOf(session), body: html`<p>Signed in as ${who}.</p>${links}
<form method="post" action="/auth/logout"><input type="hidden" name="_csrf" value="${session.csrfToken}"><button>Sign out</button></form>` }))
}
