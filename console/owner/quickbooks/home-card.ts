import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { FAILED_NAMED, quickbooksAttention } from '../../../core/domains/quickbooks/attention.js'
import { quickbooksConnectionQuery } from '../../../core/domains/quickbooks/connection-query.js'
import { quickbooksSyncQuery } from '../../../core/domains/quickbooks/queries.js'
import { html, type SafeHtml } from '../../html.js'
import { recordLink } from './quickbooks-views.js'

/** QuickBooks' trouble on Home: the company to connect again or its failed sync, and the records it refused; nothing when all is well. */
export async function homeCard(caller: Caller): Promise<SafeHtml | ''> {
  const [books] = (await callQuery(caller, quickbooksConnectionQuery, { limit: 1 })).items
  const booksFailed =
    books.configured && books.records.failed
      ? (await callQuery(caller, quickbooksSyncQuery, { params: { state: 'failed' }, limit: FAILED_NAMED })).items
      : []
  const attention = quickbooksAttention(books, booksFailed)
  if (!attention) return ''
  const failed = attention.failedCount
  return html`<h2>QuickBooks needs you</h2>${attention.problems.map((p) => html`<p class="warn wrap">${p}.</p>`)}${
    failed
      ? html`<p>${String(failed)} record${failed === 1 ? '' : 's'} QuickBooks refused:</p><ul class="home">${attention.failed.map(
          (r) => html`<li class="wrap">${recordLink(r)}: ${r.error ?? 'no reason given'}</li>`,
        )}</ul>`
      : ''
  }
<p><a href="/settings/quickbooks">QuickBooks settings</a></p>`
}
