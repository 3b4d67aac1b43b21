import type { z } from 'zod'
import type { CONNECTION_RECORD } from '../../../core/domains/quickbooks/connection-query.js'
import type { SYNC_RECORD } from '../../../core/domains/quickbooks/queries.js'
import type { Caller } from '../../../core/kernel/call-action.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { quickbooksConnectionQuery } from '../../../core/domains/quickbooks/connection-query.js'
import { quickbooksSyncQuery } from '../../../core/domains/quickbooks/queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { form, html, type SafeHtml } from '../../html.js'

/** The connection as the pages read it. */
export type Connection = z.output<typeof CONNECTION_RECORD>
/** One record's sync state as the pages read it. */
export type SyncRow = z.output<typeof SYNC_RECORD>

/** What each kind of record is called on the pages. */
const KIND_WORDS: Record<SyncRow['kind'], string> = { customer: 'Customer', item: 'Service', invoice: 'Invoice', payment: 'Payment' }

/** A record by its name (else its kind in words), linked to its page where it has one. */
export function recordLink(r: SyncRow): SafeHtml {
  const words = r.name ?? KIND_WORDS[r.kind]
  if (r.kind === 'customer') return html`<a href="/customers/${r.id}">${words}</a>`
  if (r.kind === 'invoice') return html`<a href="/invoices/${r.id}">${words}</a>`
  if (r.kind === 'item') return html`<a href="/services">${words}</a>`
  return html`${words}`
}

/** The connection's status in one plain sentence. */
export function statusSentence(c: Connection, tz: string): SafeHtml {
  const company = c.company_name ? html`<b>${c.company_name}</b>` : html`QuickBooks company ${c.realm_id ?? ''}`
  if (c.status === 'connected') {
    return html`Connected to ${company}${c.connected_at ? ` since ${formatInstant(c.connected_at, tz)}` : ''}.`
  }
  if (c.status === 'needs_reconnect') {
    return html`<span class="err">QuickBooks stopped syncing: it needs connecting again.</span> ${c.status_reason ?? ''} Nothing is sent to ${company} until you connect again.`
  }
  if (c.status === 'disconnected') {
    return html`Disconnected from ${company}${c.status_reason ? html` (${c.status_reason})` : ''}. Nothing is sent to QuickBooks.`
  }
  return html`Not connected. Connect your QuickBooks Online company to send customers, invoices and payments there, and to bring back the payments your bookkeeper records.`
}

/** The one line on a customer's or an invoice's page: where the record stands with QuickBooks, with Retry when it failed. */
export function recordStateLine(c: Connection, row: SyncRow | null, csrf: string, back: string): SafeHtml | '' {
  if (c.status === 'never_connected' && !row) return ''
  if (!row) {
    return c.status === 'connected'
      ? html`<p class="muted">QuickBooks: not sent yet.</p>`
      : html`<p class="muted">QuickBooks: not sent (<a href="/settings/quickbooks">QuickBooks is not connected</a>).</p>`
  }
  if (row.state === 'synced') {
    return html`<p class="muted wrap">QuickBooks: synced${row.quickbooks_id ? ` (QuickBooks id ${row.quickbooks_id})` : ''}.${row.note ? ` ${row.note}` : ''}</p>`
  }
  if (row.state === 'pending') {
    return html`<p class="muted">QuickBooks: pending, sent at the next sync${c.status === 'connected' ? '' : html` once <a href="/settings/quickbooks">QuickBooks is connected again</a>`}.</p>`
  }
  return html`<div class="warn wrap"><p>QuickBooks: <span class="err">failed</span>. QuickBooks said: ${row.error ?? 'no reason given'}</p>${retryForm(row, csrf, back)}</div>`
}

/** The Retry button of one failed record; back is the page to return to. */
export function retryForm(row: SyncRow, csrf: string, back: string): SafeHtml {
  return form(
    '/settings/quickbooks/retry',
    csrf,
    html`<input type="hidden" name="kind" value="${row.kind}"><input type="hidden" name="record_id" value="${row.id}"><input type="hidden" name="back" value="${back}"><button class="second small">Retry ${KIND_WORDS[row.kind].toLowerCase()}</button>`,
  )
}

/** A record's QuickBooks connection and sync row, for its page's one line. */
export interface RecordQuickBooks {
  connection: Connection
  row: SyncRow | null
}

/** Reads the connection and the record's sync row through the registered data types. */
export async function readRecordQuickBooks(caller: Caller, kind: SyncRow['kind'], id: string): Promise<RecordQuickBooks> {
  const [connection] = (await callQuery(caller, quickbooksConnectionQuery, { limit: 1 })).items
  // Nothing was ever sent by a company never connected, or from a server where QuickBooks is off.
  if (connection.status === 'never_connected' || !connection.configured) return { connection, row: null }
  const row = await callQuery(caller, quickbooksSyncQuery, { params: { kind }, id }).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null
    throw err
  })
  return { connection, row: row as SyncRow | null }
}
