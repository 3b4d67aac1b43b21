import { Router, type Response } from 'express'
import type { PageCall } from '../../page-route.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { requestFormQuery } from '../../../core/domains/leads/request-queries.js'
import { updateSettings } from '../../../core/domains/settings/actions.js'
import { doneLine, field, fieldErrorsOf, textField, type FieldErrors } from '../../form-kit.js'
import { form, html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'

const DONE = { saved: 'Request page saved.', closed: 'Request page closed.' }

/**
 * The owner's request page settings: the address customers ask for work at, the HTML to paste into the business's own
 * site, and what the bot checks stopped (a count; nothing of what was sent is kept).
 */
export function requestPagePages(services: Services): Router {
  const router = Router()
  router.get(
    '/settings/request-page',
    ownerRoute(services, async (call) => show(services, call, null, new Map(), doneLine(call.req.query.done, DONE))),
  )
  router.post(
    '/settings/request-page',
    ownerRoute(services, async (call) => {
      const typed = field(call.req.body, 'request_slug')
      call.onError((err) => show(services, call, typed, fieldErrorsOf(err), undefined, err.status))
      await callAction(call.caller, updateSettings, { request_slug: typed || null })
      call.res.redirect(303, `/settings/request-page?done=${typed ? 'saved' : 'closed'}`)
    }),
  )
  return router
}

async function show(services: Services, call: PageCall, typed: string | null, problems: FieldErrors, ok?: string, status = 200) {
  const [page] = (await callQuery(call.caller, requestFormQuery, { limit: 1 })).items
  const slug = page.request_slug
  const address = slug ? `${services.config.publicBaseUrl}/r/${slug}` : null
  const blocked = page.blocked.honeypot + page.blocked.too_fast + page.blocked.bad_stamp + page.blocked.rate_limited
  const body = html`<p>Customers ask for work on a page of yours, without signing in, on any phone. Each request becomes a lead
with what they wrote; the services they may choose are those marked on <a href="/services">Services</a>.</p>
${form(
  '/settings/request-page',
  call.session.csrfToken,
  html`${textField('request_slug', 'Address: /r/…', typed ?? slug ?? '', problems, html` maxlength="40" placeholder="e.g. sparkle-windows"`)}
<p class="note">Lower-case letters, digits and dashes. Leave it empty to close the page. Changing it breaks links you gave out.</p><button>Save</button>`,
)}
${address ? pasteable(address, page.pasted_form_stamp) : html`<p>No request page yet: choose its address above.</p>`}
<h2>Last 30 days</h2><p>${String(page.requests)} requests became leads. ${String(blocked)} submissions were stopped as spam
(filled a hidden field: ${String(page.blocked.honeypot)}; sent within ${String(page.limits.min_seconds)} seconds: ${String(page.blocked.too_fast)};
forged page: ${String(page.blocked.bad_stamp)}; over ${String(page.limits.per_address_per_hour)} an hour from one address or
${String(page.limits.per_business_per_hour)} an hour in all: ${String(page.blocked.rate_limited)}). Nothing of what they sent is kept.</p>`
  sendOwnerPage(call.res as Response, 'Request page', body, { ok, status, error: status >= 400 ? 'Nothing was saved.' : undefined })
}

/**
 * The page's address, and the HTML the owner pastes into their own site: a link, or a plain form posting to the page,
 * with the stamp that has its requests taken at once.
 */
function pasteable(address: string, stamp: string) {
  const snippet = `<form method="post" action="${address}">
  <input type="hidden" name="stamp" value="${stamp}">
  <input name="website" tabindex="-1" autocomplete="off" style="display:none">
  <label>Your name <input name="name" required></label>
  <label>Email <input type="email" name="email"></label>
  <label>Phone <input type="tel" name="phone"></label>
  <label>Address of the work <input name="address" required></label>
  <label>What do you need? <textarea name="need"></textarea></label>
  <label>Preferred days and times <input name="preferred_times"></label>
  <label>Notes <textarea name="notes"></textarea></label>
  <button>Send request</button>
</form>`
  return html`<p>Your page: <a href="${address}">${address}</a></p>
<h2>On your own website</h2><p>Paste a link:</p><pre>${`<a href="${address}">Ask us for a quote</a>`}</pre>
<p>Or paste this form. A request sent with it is taken at once, and the customer sees your thank-you page; one with a
field missing comes back on your page saying what to add. Photos are sent from your page itself. An older copy without
the <code>stamp</code> field still works, but shows each request once more to be sent: replace it with this one.</p><pre id="snippet">${snippet}</pre>`
}
