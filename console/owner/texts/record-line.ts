import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { textConsentQuery, textsQuery, textUsageQuery } from '../../../core/domains/texts/queries.js'
import { html } from '../../html.js'
import type { LineView, RecordOnPage } from '../capability-parts.js'

/** How a customer hears from the business, in the owner's words. */
const CHANNEL_WORDS = { email: 'by email', text: 'by text', both: 'by email and text' } as const

/** On a customer's page: how they hear from you, their consent to texts, texts waiting for an answer, and the thread's link. */
export async function recordLine(caller: Caller, record: RecordOnPage): Promise<LineView> {
  if (record.kind !== 'customer') return () => ''
  const usage = (await callQuery(caller, textUsageQuery, {})).items[0]
  const consent = await callQuery(caller, textConsentQuery, { id: record.id })
  const waiting = (await callQuery(caller, textsQuery, { params: { contact_id: record.id, waiting: 'true' }, limit: 20 })).items.length
  const state = consent.stopped
    ? 'replied STOP'
    : consent.service
      ? `agreed to texts (${consent.service.how.replace('_', ' ')})`
      : 'has not agreed to texts'
  const off = usage.on ? '' : html` <span class="warn">Texts are off on this server.</span>`
  return () =>
    html`<div class="card"><b>Texts</b>: hears from you ${CHANNEL_WORDS[consent.message_channel]}; ${state}${
      waiting ? html`; <b>${String(waiting)} waiting for an answer</b>` : ''
    }.${off} <a href="/customers/${record.id}/texts">Texts with them</a></div>`
}
