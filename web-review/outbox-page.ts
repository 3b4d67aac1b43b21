import { Router } from 'express'
import { stateOf } from '../api/request-context.js'
import type { Services } from '../core/context.js'
import { withTenant } from '../core/db/tenant.js'
import { loadTenantSettings } from '../core/domains/settings/model.js'
import { scopeOf } from '../core/operations-context.js'
import { esc, page } from './html.js'
import { personWithRole } from './session.js'

/** Emails shown on one page, newest first. */
const SHOWN = 100

/** GET /messages/outbox: for the owner, the emails kept instead of sent while no email provider is configured. */
export function outboxPage(services: Services): Router {
  const router = Router()
  router.get('/messages/outbox', async (_req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const { rows, timezone, total } = await withTenant(services.db, scopeOf(session, stateOf(res).requestId), async (tx) => {
      const settings = await loadTenantSettings(tx)
      const r = await tx.query<{ to_address: string; from_address: string; reply_to: string | null; subject: string; text_body: string; created_at: Date }>(
        `select to_address, from_address, reply_to, subject, text_body, created_at from email_outbox order by created_at desc, id desc limit ${SHOWN}`)
      const n = await tx.query<{ n: number }>('select count(*)::int as n from email_outbox')
      return { rows: r.rows, timezone: settings.timezone, total: n.rows[0].n }
    })
    const when = new Intl.DateTimeFormat('en-US', { timeZone: timezone, dateStyle: 'medium', timeStyle: 'short' })
    const status = services.email.delivers
      ? '<p class="ok">Email is on: messages are sent to your customers. Below are the emails kept while it was off.</p>'
      : '<p class="err">Email is off: nothing below reached your customers. Set RESEND_API_KEY (and EMAIL_FROM) to send email.</p>'
    const cards = rows.map((e) => `<div class="card"><strong>${esc(e.subject)}</strong>
<p class="note">To ${esc(e.to_address)} · ${esc(when.format(new Date(e.created_at)))}${e.reply_to ? ` · replies to ${esc(e.reply_to)}` : ''}</p>
<details><summary>Text</summary><pre>${esc(e.text_body)}</pre></details></div>`).join('')
    const more = total > rows.length ? `<p class="note">Showing the newest ${rows.length} of ${total}.</p>` : ''
    res.type('html').send(page('Outbox', `<nav><a href="/">Home</a><a href="/messages">Scheduled messages</a></nav>${status}${more}
${cards || '<p class="note">The outbox is empty.</p>'}`))
  })
  return router
}
