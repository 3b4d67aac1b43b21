import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { reachOutBatchesQuery } from '../../../core/domains/reach-outs/queries.js'
import { html, type SafeHtml } from '../../html.js'

/** On Home: the reach-out batches waiting for the owner; nothing when none is. */
export async function homeCard(caller: Caller): Promise<SafeHtml | ''> {
  const waiting = (await callQuery(caller, reachOutBatchesQuery, { params: { status: 'waiting' }, limit: 20 })).items
  if (!waiting.length) return ''
  return html`<h2>Reach-outs waiting for you</h2><ul class="home">${waiting
    .slice(0, 3)
    .map(
      (b) => html`<li class="wrap"><b>${b.rule_name}</b>: ${b.recipient_count} customer${b.recipient_count === 1 ? '' : 's'}</li>`,
    )}</ul><p><a href="/reach-outs">Send or dismiss them</a></p>`
}
