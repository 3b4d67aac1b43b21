import { Router } from 'express'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import type { Services } from '../../../core/kernel/context.js'
import { connectQuickBooks, disconnectQuickBooks, retryQuickBooksRecord, syncQuickBooks } from '../../../core/domains/quickbooks/actions.js'
import { quickbooksClientOf } from '../../../core/domains/quickbooks/availability.js'
import { finishConnect } from '../../../core/domains/quickbooks/connect.js'
import { importQuickBooksCustomers } from '../../../core/domains/quickbooks/import-actions.js'
import { quickbooksConnectionQuery } from '../../../core/domains/quickbooks/connection-query.js'
import { quickbooksSyncQuery } from '../../../core/domains/quickbooks/queries.js'
import { businessFormat, doneLine, field } from '../../form-kit.js'
import { form, html, type SafeHtml } from '../../html.js'
import type { PageCall } from '../../page-route.js'
import { rowsTable, summary } from '../imports/import-page.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'
import { recordLink, retryForm, statusSentence, type Connection, type SyncRow } from './quickbooks-views.js'

const PAGE = '/settings/quickbooks'
/** Failed and pending records listed on the page; the rest are counted. */
const LISTED = 25

/** The status lines of ?done=, never text from the request. */
const DONE: Record<string, string> = {
  connected: 'QuickBooks is connected. The first sync runs within a minute.',
  disconnected: 'QuickBooks is disconnected: nothing more is sent, and its tokens were revoked at Intuit.',
  sync: 'A sync was asked for: it runs within a minute.',
  retry: 'The record will be sent again at the next sync, which runs within a minute.',
}

/** The pages a Retry may lead back to: this one, a customer's or an invoice's. */
const BACK = /^\/(?:settings\/quickbooks|customers\/[0-9a-f-]{36}|invoices\/[0-9a-f-]{36})$/

/** The owner's QuickBooks page: the connection in plain words, Connect, Disconnect, Sync now, and the records it refused. */
export function quickbooksPages(services: Services): Router {
  const router = Router()

  router.get(
    PAGE,
    ownerRoute(services, async (call) => {
      await showPage(call, { ok: doneLine(call.req.query.done, DONE) })
    }),
  )

  // A form's GET (no state changes here but a one-use state) that leaves for Intuit's page.
  router.get(
    `${PAGE}/connect`,
    ownerRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: `QuickBooks was not connected. ${err.message}` }))
      const started = await callAction(call.caller, connectQuickBooks, {})
      if (started.queued) throw new Error('an owner’s connect is never queued')
      call.res.redirect(303, started.result.authorize_url)
    }),
  )

  router.get(
    `${PAGE}/callback`,
    ownerRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: err.message }))
      const q = call.req.query
      const text = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : undefined)
      await finishConnect(
        services,
        call.session,
        {
          state: text('state') ?? '',
          code: text('code'),
          realmId: text('realmId'),
          error: text('error'),
          error_description: text('error_description'),
        },
        call.requestId,
      )
      call.res.redirect(303, `${PAGE}?done=connected`)
    }),
  )

  router.post(
    `${PAGE}/disconnect`,
    ownerRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: `Nothing was changed. ${err.message}` }))
      await callAction(call.caller, disconnectQuickBooks, {})
      call.res.redirect(303, `${PAGE}?done=disconnected`)
    }),
  )

  router.post(
    `${PAGE}/sync`,
    ownerRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: `No sync was asked for. ${err.message}` }))
      await callAction(call.caller, syncQuickBooks, {})
      call.res.redirect(303, `${PAGE}?done=sync`)
    }),
  )

  // A dry run first (nothing written, every row's outcome), then the import itself from the dry run's page.
  router.post(
    `${PAGE}/import`,
    ownerRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: `Nothing was imported. ${err.message}` }))
      const dryRun = field(call.req.body, 'dry_run') !== 'false'
      const done = await callAction(call.caller, importQuickBooksCustomers, { dry_run: dryRun })
      if (done.queued) throw new Error('an owner’s import is never queued')
      const report = done.result as Record<string, any>
      const next = dryRun
        ? form(
            `${PAGE}/import`,
            call.session.csrfToken,
            html`<input type="hidden" name="dry_run" value="false"><button>Import these customers</button>`,
          )
        : ''
      sendOwnerPage(
        call.res,
        dryRun ? 'Customers QuickBooks would bring' : 'Customers imported from QuickBooks',
        html`${summary(report, dryRun)}${rowsTable(report, () => true)}${next}<p><a href="${PAGE}">Back to QuickBooks</a></p>`,
        { ok: dryRun ? undefined : 'Imported.' },
      )
    }),
  )

  router.post(
    `${PAGE}/retry`,
    ownerRoute(services, async (call) => {
      call.onError((err) => showPage(call, { status: err.status, error: `Nothing was retried. ${err.message}` }))
      const kind = field(call.req.body, 'kind')
      await callAction(call.caller, retryQuickBooksRecord, {
        kind: kind as 'customer',
        record_id: field(call.req.body, 'record_id'),
      })
      const back = field(call.req.body, 'back')
      call.res.redirect(303, BACK.test(back) && back !== PAGE ? back : `${PAGE}?done=retry`)
    }),
  )
  return router
}

/** Renders the page with the connection and its records as they are now. */
async function showPage(call: PageCall, opts: { ok?: string; error?: string; status?: number }): Promise<void> {
  const { caller, session, res } = call
  const connection = (await callQuery(caller, quickbooksConnectionQuery, { limit: 1 })).items[0]
  const { timezone } = await businessFormat(caller)
  // A company never connected has sent nothing: there are no records to list.
  const none = { items: [], next_cursor: null }
  const [failed, pending] =
    connection.status === 'never_connected' || !connection.configured
      ? [none, none]
      : await Promise.all([
          callQuery(caller, quickbooksSyncQuery, { params: { state: 'failed' }, limit: LISTED }),
          callQuery(caller, quickbooksSyncQuery, { params: { state: 'pending' }, limit: LISTED }),
        ])
  const body = html`<p class="wrap">${statusSentence(connection, timezone)}</p>
${syncFacts(connection, timezone)}${buttons(connection, session.csrfToken)}
${failedSection(connection, failed.items, session.csrfToken)}${pendingSection(connection, pending.items)}
<h2>What goes to QuickBooks</h2>
<p class="note">Your active customers, sent invoices with their lines (each service as a QuickBooks item), voided invoices and
the payments you record go to QuickBooks. Payments your bookkeeper records in QuickBooks come back as payments here.
Nothing is sent twice. <a href="/settings">Back to settings</a></p>`
  // Connect is a form whose answer leads to Intuit's page: the page's policy must let a form go there.
  const client = quickbooksClientOf(call.services)
  const intuit = client ? [new URL(client.config.authorizeUrl).origin] : []
  sendOwnerPage(res, 'QuickBooks', body, { ok: opts.ok, error: opts.error, status: opts.status, formTargets: intuit })
}

/** When it last synced, what went wrong, and what the company keeps of ours. */
function syncFacts(c: Connection, tz: string): SafeHtml | '' {
  if (c.status === 'never_connected') return ''
  const r = c.records
  return html`<p class="muted">${
    c.last_sync_at ? `Last sync ${formatInstant(c.last_sync_at, tz)}.` : c.status === 'connected' ? 'The first sync has not run yet.' : ''
  } ${r.synced} synced, ${r.pending} waiting to be sent, ${r.failed} failed.${
    c.doc_numbers_kept === false
      ? ' QuickBooks numbers invoices itself (its custom transaction numbers setting is off), so your invoice numbers are not kept there.'
      : ''
  }</p>${c.last_sync_error ? html`<p class="warn wrap">The last sync failed: ${c.last_sync_error}</p>` : ''}`
}

/** Connect (again), or Sync now and Disconnect; or why this server cannot connect. */
function buttons(c: Connection, csrf: string): SafeHtml {
  const connect = (words: string) =>
    c.configured
      ? html`<form method="get" action="${PAGE}/connect"><button>${words}</button></form>
<p class="note">You sign in at Intuit and choose the company; Intuit then sends you back here.</p>`
      : html`<p class="warn wrap">This server cannot connect QuickBooks yet. ${c.off_reason ?? ''}</p>`
  if (c.status !== 'connected') return connect(c.status === 'never_connected' ? 'Connect QuickBooks' : 'Connect QuickBooks again')
  return html`<div class="row">${form(`${PAGE}/sync`, csrf, html`<button class="second">Sync now</button>`)}${form(
    `${PAGE}/disconnect`,
    csrf,
    html`<button class="deny">Disconnect</button>`,
  )}</div>
<h2>Customers already in QuickBooks</h2>
<p class="note">Starting with a QuickBooks company that has customers? Bring them in once: you see first what would be created
and matched, and nothing is written until you confirm.</p>${form(
    `${PAGE}/import`,
    csrf,
    html`<input type="hidden" name="dry_run" value="true"><button class="second">Check the QuickBooks customers</button>`,
  )}`
}

/** The records QuickBooks refused, each with its words and a Retry button. */
function failedSection(c: Connection, rows: SyncRow[], csrf: string): SafeHtml | '' {
  if (!rows.length) return ''
  const more = c.records.failed - rows.length
  return html`<h2>Failed: ${String(c.records.failed)}</h2>
<p class="note">QuickBooks refused these. Fix what it says, then Retry.</p>${rows.map(
    (r) => html`<div class="card"><p>${recordLink(r)}: ${r.error ?? 'no reason given'}</p>${retryForm(r, csrf, PAGE)}</div>`,
  )}${more > 0 ? html`<p class="muted">and ${String(more)} more.</p>` : ''}`
}

/** What waits for the next sync. */
function pendingSection(c: Connection, rows: SyncRow[]): SafeHtml | '' {
  if (!rows.length) return ''
  const when = c.status === 'connected' ? 'at the next sync' : 'once QuickBooks is connected again'
  const more = c.records.pending - rows.length
  return html`<h2>Pending: ${String(c.records.pending)}</h2>
<p class="note">These are sent ${when}.</p><ul>${rows.map((r) => html`<li class="wrap">${recordLink(r)}${r.note ? html` <span class="muted">${r.note}</span>` : ''}</li>`)}</ul>${
    more > 0 ? html`<p class="muted">and ${String(more)} more.</p>` : ''
  }`
}
