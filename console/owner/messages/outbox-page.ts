import { Router } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import type { Services } from '../../../core/kernel/context.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { emailOutboxQuery } from '../../../core/domains/messages/outbox-queries.js'
import { settingsQuery } from '../../../core/domains/settings/queries.js'
import { html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { nextPageLink } from '../../list-tabs.js'
import { ownerRoute } from '../owner-route.js'
import { dateFormat } from '../../../core/text/date-format.js'

/** Emails shown on one page, newest first. */
const SHOWN = 100

/** GET /messages/outbox: for the owner, the emails kept instead of sent while no email provider is configured. */
export function outboxPage(services: Services): Router {
  const router = Router()
  router.get(
    '/messages/outbox',
    ownerRoute(services, async ({ req, res, session }) => {
      const requestId = stateOf(res).requestId
      const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined
      const caller = { services, principal: session, requestId }
      const [settings] = (await callQuery(caller, settingsQuery)).items
      const kept = await callQuery(caller, emailOutboxQuery, { limit: SHOWN, cursor })
      const when = dateFormat('en-US', { timeZone: settings.timezone, dateStyle: 'medium', timeStyle: 'short' })
      const status = services.email.delivers
        ? html`<p class="ok">Email is on: messages are sent to your customers. Below are the emails kept while it was off.</p>`
        : html`<p class="err">Email is off: nothing below reached your customers. Set RESEND_API_KEY (and EMAIL_FROM) to send email.</p>`
      const cards = kept.items.map(
        (e) => html`<div class="card"><strong>${e.subject}</strong>
<p class="note">To ${e.to_address} · ${when.format(new Date(e.created_at))}${e.reply_to ? ` · replies to ${e.reply_to}` : ''}</p>
<details><summary>Text</summary><pre>${e.text_body}</pre></details></div>`,
      )
      const older = nextPageLink('/messages/outbox', {}, kept.next_cursor, 'Older emails')
      sendOwnerPage(res, 'Outbox', html`${status}${cards.length ? cards : html`<p class="note">The outbox is empty.</p>`}${older}`)
    }),
  )
  return router
}
