import type { Request, Response } from 'express'
import { stateOf } from '../api/request-context.js'
import { exportLinks } from './export-links.js'
import { esc, page, signInForm } from './html.js'

/** GET /: who is signed in and a way out, or the sign-in form. */
export function homePage(_req: Request, res: Response): void {
  const session = stateOf(res).session
  res.type('html')
  if (!session) {
    res.send(page('Sign in', signInForm()))
    return
  }
  const who = session.actor.type === 'user' ? `${session.actor.name || session.email} (${session.actor.role})` : ''
  const links = session.actor.type === 'user' && session.actor.role === 'owner' ? `<p><a href="/review">Requests waiting for you</a> · <a href="/review/permissions">Permissions</a> · <a href="/review/connections">Connected apps</a> · <a href="/messages">Scheduled emails</a> · <a href="/today">Today</a> · <a href="/import">Import customers</a></p>${exportLinks()}` : '<p><a href="/today">Today\'s tickets</a></p>'
  res.send(page('Service CRM', `<p>Signed in as ${esc(who)}.</p>${links}
<form method="post" action="/auth/logout"><input type="hidden" name="_csrf" value="${esc(session.csrfToken)}"><button>Sign out</button></form>`))
}
