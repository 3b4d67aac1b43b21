import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import type { Services } from '../../../core/kernel/context.js'
import { html, trustedHtml, type SafeHtml } from '../../html.js'
import { layout, viewerOf } from '../../layout.js'
import { sendPage } from '../../send-page.js'
import { pageRoute, type Audience } from '../../page-route.js'
import { SEARCH_SCRIPT } from '../search-script.js'
import { searchEverything, searchStart, type SearchResult } from './search-results.js'

/** The search's keys and results as you type, carried by this page and every other owner page. */
export { SEARCH_SCRIPT } from '../search-script.js'

/** Owners and technicians (each finds what their role may reach); a refusal no form re-renders is a page with the way home. */
const SEARCHERS: Audience = {
  roles: ['owner', 'technician'],
  errorPage(call, title, err) {
    sendPage(call.res, layout({ title, viewer: viewerOf(call.session), body: html`<p><a href="/">Home</a></p>`, error: err.message }), {
      status: err.status,
    })
  },
}

/** Longest search the box takes, as the registered search does. */
const MAX_QUERY = 200

/** The search everywhere: GET /search?q= over records, actions and pages, for the owner and (what they may reach) a technician. */
export function searchPages(services: Services): Router {
  const router = Router()

  router.get(
    '/search',
    pageRoute(services, SEARCHERS, async ({ req, res, session, caller, onError }) => {
      if (session.actor.type !== 'user') return
      const role = session.actor.role
      const q = typeof req.query.q === 'string' ? req.query.q.trim() : ''
      const partial = req.query.partial === '1'
      if (q.length > MAX_QUERY) {
        return sendSearch(res, session, q, html`<p class="note">Shorten the search and try again.</p>`, {
          status: 400,
          error: `q: at most ${MAX_QUERY} characters, please (it has ${q.length}).`,
          partial,
        })
      }
      if (!q) {
        const start = await searchStart(caller, role)
        const body = html`${start.recent.length ? html`<h2>Recent customers</h2>${resultList(start.recent)}` : ''}
<h2>Things to do</h2>${resultList(start.actions)}`
        return sendSearch(res, session, q, body, { partial })
      }
      onError((err) => {
        if (err.status >= 500) throw err
        sendSearch(res, session, q, html`<p class="note">Change the search and try again.</p>`, {
          status: err.status,
          error: err.message,
          partial,
        })
      })
      const answer = await searchEverything(caller, role, q)
      const body = answer.results.length
        ? html`${answer.reading ? html`<p class="note">${answer.reading}</p>` : ''}${resultList(answer.results)}`
        : html`<p>Nothing matches “${q}”.</p><p class="note">Try part of a name, four or more digits of a phone number, a street,
an invoice number (INV-2026-0007 or 0007), a visit number (#12), or what you want to do, e.g. “new customer” or “void invoice”.</p>`
      sendSearch(res, session, q, body, { partial })
    }),
  )
  return router
}

/** The results as an ordered list of links; an action no page offers is plain text. */
function resultList(results: SearchResult[]): SafeHtml {
  return html`<ol class="hits">${results.map(
    (r) => html`<li>${r.href ? html`<a href="${r.href}">${r.title}</a>` : html`<b>${r.title}</b>`}
<small>${r.kind} · ${r.detail}</small></li>`,
  )}</ol>`
}

/** The search page (the box again, then the answer), or with partial only the answer, for the script to swap in. */
function sendSearch(
  res: Response,
  session: SessionPrincipal,
  q: string,
  answer: SafeHtml,
  opts: { status?: number; error?: string; partial: boolean },
): void {
  const body = html`<div id="hits">${answer}</div>`
  if (opts.partial)
    return sendPage(res, opts.error ? html`<div id="hits"><p class="err">${opts.error}</p></div>` : body, { status: opts.status })
  const box = html`<form role="search" method="get" action="/search" class="find"><input type="search" id="q" name="q" value="${q}"
aria-label="Search customers, visits, invoices, leads and actions" autocomplete="off"${q ? '' : html` autofocus`}></form>`
  sendPage(
    res,
    layout({
      title: 'Search',
      viewer: viewerOf(session),
      body: html`${box}${body}`,
      error: opts.error,
      script: trustedHtml(SEARCH_SCRIPT),
    }),
    { status: opts.status },
  )
}
