import { Router } from 'express'
import { callQuery } from '../../../core/kernel/call-query.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import type { Services } from '../../../core/kernel/context.js'
import { inboundEmailQuery } from '../../../core/domains/inbound-email/query.js'
import { businessFormat } from '../../form-kit.js'
import { html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'

const PAGE = '/settings/inbound-email'

/** What an email became, in the owner's words. */
const OUTCOMES: Record<string, string> = {
  interaction: "on a customer's timeline",
  lead: 'a new lead',
  'skipped:newsletter': 'skipped: a newsletter or mailing list',
  'skipped:automated': 'skipped: an automatic answer or a machine',
  'skipped:from_business': 'skipped: from your own business',
  'skipped:duplicate': 'skipped: already taken from Gmail',
  'skipped:not_addressed_to_business': 'skipped: you were only a blind copy',
  'skipped:reply_to_notification': 'skipped: an answer to an appointment email',
  'skipped:no_sender': 'skipped: no sender',
}

/** The owner's inbound email page: the business's own address, what mail to it becomes, and the last emails taken. */
export function inboundEmailPage(services: Services): Router {
  const router = Router()
  router.get(
    PAGE,
    ownerRoute(services, async (call) => {
      const record = (await callQuery(call.caller, inboundEmailQuery, { limit: 1 })).items[0]
      const { timezone } = await businessFormat(call.caller)
      const body = html`${addressPart(record)}
<h2>What happens to mail sent there</h2>
<p class="note wrap">From a customer (any of their email addresses): it goes on their timeline. From someone with an open lead:
on that lead. From anyone else asking for work: a new lead, with the email as its notes. Newsletters, automatic answers and
mail from your own addresses are skipped. Card numbers are removed before anything is kept; attachments are not read.</p>
<p class="muted">So far: ${String(record.counts.interactions)} on timelines, ${String(record.counts.leads)} new leads,
${String(record.counts.skipped)} skipped.</p>${recentPart(record.recent, timezone)}
<p><a href="/settings">Back to settings</a></p>`
      sendOwnerPage(call.res, 'Inbound email', body)
    }),
  )
  return router
}

/** The address, or why this server has none. */
function addressPart(record: { address: string | null; off_reason: string | null }): SafeHtml {
  if (!record.address) return html`<p class="warn wrap">Inbound email is off on this server. ${record.off_reason ?? ''}</p>`
  return html`<p>Your business's own email address:</p>
<p class="wrap"><strong>${record.address}</strong></p>
<p class="note wrap">Forward your business mail to it, or make it your reply-to address in <a href="/settings#business">Business
settings</a> so customers' answers to your emails come here too.</p>`
}

/** The last emails taken, newest first. */
function recentPart(
  recent: Array<{ received_at: string; outcome: string; interaction_id: string | null; lead_id: string | null }>,
  timezone: string,
): SafeHtml | '' {
  if (!recent.length) return ''
  return html`<h2>Last emails</h2><ul>${recent.map(
    (r) =>
      html`<li>${formatInstant(r.received_at, timezone)}: ${
        r.lead_id ? html`<a href="/leads/${r.lead_id}">${OUTCOMES.lead}</a>` : (OUTCOMES[r.outcome] ?? r.outcome)
      }</li>`,
  )}</ul>`
}
