import { Router, type Response } from 'express'
import { stateOf } from '../../api/request-context.js'
import type { SessionPrincipal } from '../../core/auth/sessions.js'
import type { Principal, Services } from '../../core/context.js'
import { MAPPED_FIELDS, type ColumnMapping } from '../../core/domains/imports/csv-mapping.js'
import { headersOf, planMappedCustomers } from '../../core/domains/imports/csv-customers.js'
import { importMappedInBatches, importPlannedInBatches } from '../../core/domains/imports/import-mapped.js'
import { planSquareCustomers } from '../../core/domains/imports/square-customers.js'
import { AppError } from '../../core/errors.js'
import { log } from '../../core/log.js'
import { callAction } from '../../core/call-action.js'
import { importCsvCustomers, importSquareCustomers } from '../../core/domains/imports/actions.js'
import { exportLinks } from './export-links.js'
import { form, html, joinHtml, type SafeHtml } from '../html.js'
import { ImportUploads, type ImportKind, type ImportUpload } from './import-runs.js'
import { sendOwnerPage } from './owner-page.js'
import { personWithRole } from '../session.js'

/** The largest file one import takes, as the import actions accept it. */
export const IMPORT_FILE_LIMIT_BYTES = 5_000_000
/** Rows per batch of a real run: each batch is committed on its own and moves the progress on. */
const BATCH_ROWS = 100
/** Rows of a dry run listed one by one; a longer file shows its refused and matched rows and counts the rest. */
const LISTED_ROWS = 500
/** Seconds between two looks of the progress page while an import runs. */
const REFRESH_SECONDS = 1

/** How the mapping form names each field. */
const FIELD_LABELS: Record<(typeof MAPPED_FIELDS)[number], string> = {
  first_name: 'First name', last_name: 'Last name', name: 'Full name', email: 'Email', phone: 'Phone', company: 'Company',
  address_line1: 'Street address', address_line2: 'Address line 2', city: 'City', state: 'State', postal_code: 'Postal code',
  notes: 'Note', tags: 'Tags', external_id: 'ID in the other system',
}

/** The owner's import: upload a CSV, see the dry run row by row, confirm, and watch the import go batch by batch. */
export function importPages(services: Services, uploads = new ImportUploads()): Router {
  const router = Router()

  router.get('/import', (_req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    send(res, 200, uploadForm(session.csrfToken))
  })

  router.post('/import', async (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const body = (req.body ?? {}) as Record<string, any>
    const file = body._files?.file as { filename: string; text: string } | undefined
    const csv = file?.text.trim() ? file.text : String(body.csv ?? '')
    const kind: ImportKind = body.kind === 'square_customers' ? 'square_customers' : 'csv_customers'
    const source = String(body.source ?? '').trim() || 'csv'
    if (!csv.trim()) return send(res, 400, uploadForm(session.csrfToken), 'Choose a CSV file (or paste its text) to import.')
    if (csv.length > IMPORT_FILE_LIMIT_BYTES) {
      return send(res, 413, uploadForm(session.csrfToken), `The file is larger than ${IMPORT_FILE_LIMIT_BYTES / 1_000_000} MB, the most one import takes.`)
    }
    const upload = uploads.add({ tenantId: session.tenantId, userId: String(session.actor.id), kind, filename: file?.filename || 'pasted text', csv, source })
    await dryRun(services, session, upload, undefined, stateOf(res).requestId)
    res.redirect(303, `/import/${upload.id}`)
  })

  router.post('/import/:id/check', async (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const upload = uploads.find(req.params.id, session.tenantId, String(session.actor.id))
    if (!upload) return send(res, 404, gone(), GONE)
    if (upload.run) return res.redirect(303, `/import/${upload.id}`)
    const body = (req.body ?? {}) as Record<string, unknown>
    const source = String(body.source ?? '').trim()
    if (source) upload.source = source
    let mapping: Record<string, string> = {}
    try {
      mapping = Object.fromEntries(headersOf(upload.csv).map((h, i) => [h, String(body[`col_${i}`] ?? '')]).filter(([, f]) => f))
    } catch (err) {
      if (!(err instanceof AppError)) throw err
    }
    await dryRun(services, session, upload, mapping, stateOf(res).requestId)
    res.redirect(303, `/import/${upload.id}`)
  })

  router.post('/import/:id/run', (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const upload = uploads.find(req.params.id, session.tenantId, String(session.actor.id))
    if (!upload) return send(res, 404, gone(), GONE)
    if (upload.dryRun && !upload.problem && uploads.start(upload, upload.dryRun.total)) {
      runInBackground(services, { tenantId: session.tenantId, actor: session.actor }, upload, stateOf(res).requestId)
    }
    res.redirect(303, `/import/${upload.id}`)
  })

  router.get('/import/:id', (req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const upload = uploads.find(req.params.id, session.tenantId, String(session.actor.id))
    if (!upload) return send(res, 404, gone(), GONE)
    if (!upload.run) return send(res, upload.problem ? 400 : 200, dryRunPage(upload, session.csrfToken))
    const run = upload.run
    if (run.status === 'running') {
      return send(res, 200, html`<meta http-equiv="refresh" content="${REFRESH_SECONDS}"><p><strong>Importing ${upload.filename}</strong></p>
<p role="status">Imported ${run.done} of ${run.total} rows.</p><progress max="${run.total}" value="${run.done}">${run.done} of ${run.total}</progress>
<p class="note">Each batch of ${BATCH_ROWS} rows is saved as it finishes; this page looks again every ${REFRESH_SECONDS} s.</p>`)
    }
    if (run.status === 'failed') {
      return send(res, 500, html`<p class="note">The rows before that were imported. Upload the same file again: rows already imported are matched, not doubled.</p><p><a href="/import">New import</a></p>`, `The import stopped after ${run.done} of ${run.total} rows: ${run.error}`)
    }
    return send(res, 200, html`<p class="ok">Import finished: ${upload.filename}.</p>${summary(run.report as Record<string, any>, false)}
${rowsTable(run.report as Record<string, any>, (r) => r.outcome !== 'created' || Boolean(r.warnings?.length))}
<p><a href="/import">New import</a> · <a href="/">Home</a></p>`)
  })

  return router
}

/** Runs the dry run through the registered action, as the owner, and keeps its report (or why it could not run) on the upload. */
async function dryRun(services: Services, session: SessionPrincipal, upload: ImportUpload, mapping: Record<string, string> | undefined,
  requestId: string): Promise<void> {
  const caller = { services, principal: session, requestId }
  try {
    const outcome = upload.kind === 'square_customers' ? await callAction(caller, importSquareCustomers, { csv: upload.csv, dry_run: true })
      : await callAction(caller, importCsvCustomers, { csv: upload.csv, dry_run: true, source: upload.source, ...(mapping ? { mapping } : {}) })
    if (outcome.queued) throw new AppError('FORBIDDEN', 'An import is the owner\'s to run')
    upload.dryRun = outcome.result
    upload.mapping = upload.dryRun.mapping ?? null
    upload.problem = null
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    upload.dryRun = null
    upload.problem = err.message
    if (mapping) upload.mapping = mapping as ColumnMapping
  }
}

/** Imports the upload in batches after the answer has gone, writing the progress where the progress page reads it. */
function runInBackground(services: Services, principal: Principal, upload: ImportUpload, requestId: string): void {
  const run = upload.run as NonNullable<ImportUpload['run']>
  const onProgress = (done: number, total: number) => Object.assign(run, { done, total })
  const opts = { dryRun: false, batchSize: BATCH_ROWS, requestId, onProgress }
  const work = upload.kind === 'square_customers'
    ? importPlannedInBatches(services, principal, planSquareCustomers(upload.csv), { ...opts, source: 'square' })
    : importMappedInBatches(services, principal, planMappedCustomers(upload.csv, upload.mapping ?? undefined, upload.source), { ...opts, source: upload.source })
  work.then((report) => Object.assign(run, { status: 'done', report: report as unknown as Record<string, unknown> }), (err: unknown) => {
    log('error', 'import stopped', { request_id: requestId, error: err instanceof Error ? err.message : String(err) })
    Object.assign(run, { status: 'failed', error: err instanceof AppError ? err.message : 'the database did not take a batch; see the server log' })
  })
}

function uploadForm(csrf: string): SafeHtml {
  return html`${form('/import', csrf, html`<fieldset class="card"><legend>What the file is</legend>
<label>The file is<select name="kind"><option value="square_customers">Square's customer export (Customers → Export)</option>
<option value="csv_customers">Another CSV of customers (a spreadsheet, another system's export): you choose which column is what</option></select></label>
<label>Where it comes from (for another CSV; e.g. hubspot, spreadsheet)<input name="source" value="csv" pattern="[a-z][a-z0-9_]{0,39}"></label></fieldset>
<label>CSV file (up to ${IMPORT_FILE_LIMIT_BYTES / 1_000_000} MB)<input type="file" name="file" accept=".csv,text/csv"></label>
<label>or paste the CSV text<textarea name="csv" rows="4"></textarea></label>
<button>Check the file (nothing is imported yet)</button>`, html` enctype="multipart/form-data"`)}
<p class="note">The check lists every row: what would be created, matched to a customer you already have (by ID, email or phone) and refused, with the line and the reason. Nothing is written until you confirm. Importing the same file again creates nothing new.</p>`
}

function dryRunPage(upload: ImportUpload, csrf: string): SafeHtml {
  const top = html`<p><strong>${upload.filename}</strong> · ${upload.kind === 'square_customers' ? 'Square customer export' : `CSV from ${upload.source}`}</p>`
  const problem = upload.problem ? html`<p class="err">${upload.problem}</p>` : ''
  const mapping = upload.kind === 'csv_customers' ? mappingForm(upload, csrf) : ''
  if (!upload.dryRun) return html`${top}${problem}${mapping}<p><a href="/import">Upload another file</a></p>`
  const report = upload.dryRun
  const confirm = report.total ? form(`/import/${upload.id}/run`, csrf, html`<button>Import ${report.created + report.matched} customers now</button>`) : ''
  return html`${top}${mapping}<h2>What the import would do</h2>${summary(report, true)}${confirm}${rowsTable(report, () => true)}
<p><a href="/import">Upload another file</a></p>`
}

/** One select per column of the file, set to the mapping of the last dry run (proposed from the headers the first time). */
function mappingForm(upload: ImportUpload, csrf: string): SafeHtml | '' {
  let headers: string[]
  try {
    headers = headersOf(upload.csv)
  } catch {
    return ''
  }
  const current = upload.mapping ?? {}
  const selects = headers.map((header, i) => {
    const chosen = current[header] ?? ''
    const key = header.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 63)
    const options: Array<[string, string]> = [['', 'Not imported'], ...MAPPED_FIELDS.map((f) => [f, FIELD_LABELS[f]] as [string, string])]
    if (/^[a-z][a-z0-9_]*$/.test(key)) options.push([`attribute:${key}`, `Keep as a fact: ${key}`])
    if (chosen.startsWith('attribute:') && !options.some(([v]) => v === chosen)) options.push([chosen, `Keep as a fact: ${chosen.slice(10)}`])
    return html`<tr><td>${header}</td><td><select name="col_${i}" aria-label="${header}">${options.map(([v, label]) =>
      html`<option value="${v}"${v === chosen ? html` selected` : ''}>${label}</option>`)}</select></td></tr>`
  })
  const proposed = upload.dryRun?.mapping_proposed ? html`<p class="note">Proposed from the column names: check it, change what is wrong, and check again.</p>` : ''
  return form(`/import/${upload.id}/check`, csrf, html`<h2>Columns</h2>${proposed}<table><tr><th>Column in the file</th><th>Imported as</th></tr>${selects}</table>
<label>Where it comes from<input name="source" value="${upload.source}"></label><button class="alt">Check again with these columns</button>`)
}

function summary(report: Record<string, any>, dry: boolean): SafeHtml {
  const verb = dry ? 'would be' : 'were'
  return html`<p class="total" role="status">${report.total} rows: ${report.created} ${verb} created, ${report.matched} ${verb} matched to customers you have, ${
    report.refused} ${verb} refused.</p>${dry ? html`<p class="note">Nothing has been written yet.</p>` : ''}`
}

/** The rows as a table: line, name, what happens and why; long files list the first rows and every refused or matched one. */
function rowsTable(report: Record<string, any>, shown: (row: Record<string, any>) => boolean): SafeHtml | '' {
  const rows = (report.rows as Array<Record<string, any>>).filter(shown)
  const listed = rows.filter((r, i) => i < LISTED_ROWS || r.outcome !== 'created')
  if (!listed.length) return ''
  const more = rows.length > listed.length ? html`<p class="note">And ${rows.length - listed.length} more rows to be created, not listed.</p>` : ''
  const detail = (r: Record<string, any>) => joinHtml([r.reason, r.matched_by ? `matched by ${String(r.matched_by).replace(/_/g, ' ')}` : '', ...(r.warnings ?? [])]
    .filter(Boolean), html`<br>`)
  return html`<table><tr><th>Line</th><th>Name</th><th>Outcome</th><th>Why</th></tr>${listed.map((r) => html`<tr><td class="num">${r.line}</td><td>${r.name}</td>
<td class="${r.outcome === 'refused' ? 'err' : ''}">${r.outcome}</td><td>${detail(r)}</td></tr>`)}</table>${more}`
}

function gone(): SafeHtml {
  return html`<p><a href="/import">Upload the file again</a></p>`
}

/** Why an upload cannot be shown. */
const GONE = 'This upload is not here any more (uploads are kept for a few hours, and by the server that took them).'

function send(res: Response, status: number, body: SafeHtml, error?: string): void {
  sendOwnerPage(res, 'Import customers', html`${body}
${exportLinks()}`, { status, wide: true, error })
}
