import { Router, type Response } from 'express'
import type { z } from 'zod'
import type { Services } from '../../../core/kernel/context.js'
import { MAPPED_FIELDS } from '../../../core/domains/imports/csv-mapping.js'
import { IMPORT_FILE_MAX_CHARS } from '../../../core/domains/imports/model.js'
import { checkImport, runImport, uploadImport } from '../../../core/domains/imports/upload-actions.js'
import { importUploadsQuery } from '../../../core/domains/imports/upload-queries.js'
import { AppError } from '../../../core/kernel/errors.js'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { exportLinks } from '../settings/export-links.js'
import { form, html, joinHtml, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import type {} from '../../form-kit.js'

/** The largest file one import takes, as the import actions accept it. */
export const IMPORT_FILE_LIMIT_BYTES = IMPORT_FILE_MAX_CHARS
/** Rows of a dry run listed one by one; a longer file shows its refused and matched rows and counts the rest. */
const LISTED_ROWS = 500
/** Seconds between two looks of the progress page while a dry run or an import runs. */
const REFRESH_SECONDS = 1

/** How the mapping form names each field. */
const FIELD_LABELS: Record<(typeof MAPPED_FIELDS)[number], string> = {
  first_name: 'First name',
  last_name: 'Last name',
  name: 'Full name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  address_line1: 'Street address',
  address_line2: 'Address line 2',
  city: 'City',
  state: 'State',
  postal_code: 'Postal code',
  notes: 'Note',
  tags: 'Tags',
  external_id: 'ID in the other system',
}

/**
 * The owner's import: upload a CSV, follow its dry run, see it row by row, confirm, and follow the import batch by batch.
 * The dry run and the import run in the background (import.upload, import.check, import.run) and write their progress
 * to the database, so the upload answers at once and the page, served by any process, looks again until they are done.
 */
export function importPages(services: Services): Router {
  const router = Router()

  router.get(
    '/import',
    ownerRoute(services, async ({ res, session }) => {
      send(res, 200, uploadForm(session.csrfToken))
    }),
  )

  router.post(
    '/import',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const body = (req.body ?? {}) as Record<string, any>
      const file = body._files?.file as { filename: string; text: string } | undefined
      const csv = file?.text.trim() ? file.text : String(body.csv ?? '')
      const kind = body.kind === 'square_customers' ? 'square_customers' : 'csv_customers'
      const source = String(body.source ?? '').trim() || 'csv'
      if (!csv.trim()) return send(res, 400, uploadForm(session.csrfToken), 'Choose a CSV file (or paste its text) to import.')
      if (csv.length > IMPORT_FILE_LIMIT_BYTES) {
        return send(
          res,
          413,
          uploadForm(session.csrfToken),
          `The file is larger than ${IMPORT_FILE_LIMIT_BYTES / 1_000_000} MB, the most one import takes.`,
        )
      }
      onError((err) => {
        send(res, err.status, uploadForm(session.csrfToken), err.message)
      })
      const upload = await callAction(callerOf(services, session, res), uploadImport, {
        kind,
        csv,
        filename: file?.filename || 'pasted text',
        ...(kind === 'csv_customers' ? { source } : {}),
      })
      if (upload.queued) throw new AppError('FORBIDDEN', "An upload is the owner's to make")
      res.redirect(303, `/import/${upload.result.id}`)
    }),
  )

  router.post(
    '/import/:id/check',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const upload = await uploadOf(caller, req.params.id)
      if (!upload) return send(res, 404, gone(), GONE)
      const body = (req.body ?? {}) as Record<string, unknown>
      const source = String(body.source ?? '').trim()
      const headers = upload.headers ?? []
      // The columns form sends a choice per column; "Check again" after a stopped check sends none and keeps the mapping.
      const chose = upload.kind === 'csv_customers' && headers.some((_, i) => body[`col_${i}`] !== undefined)
      const mapping = Object.fromEntries(headers.map((h, i) => [h, String(body[`col_${i}`] ?? '')]).filter(([, f]) => f))
      try {
        await callAction(caller, checkImport, { upload_id: upload.id, ...(chose ? { mapping } : {}), ...(source ? { source } : {}) })
      } catch (err) {
        // A mapping or source the action refuses is shown on the upload's page; an import already started is shown as it goes.
        if (!(err instanceof AppError)) throw err
        return send(res, err.status, await uploadPage(caller, upload, session.csrfToken), err.message)
      }
      res.redirect(303, `/import/${upload.id}`)
    }),
  )

  router.post(
    '/import/:id/run',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const upload = await uploadOf(caller, req.params.id)
      if (!upload) return send(res, 404, gone(), GONE)
      try {
        await callAction(caller, runImport, { upload_id: upload.id })
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'CONFLICT') throw err
      }
      res.redirect(303, `/import/${upload.id}`)
    }),
  )

  router.get(
    '/import/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      const caller = callerOf(services, session, res)
      const upload = await uploadOf(caller, req.params.id)
      if (!upload) return send(res, 404, gone(), GONE)
      const status =
        upload.run_status === 'failed' || (!upload.run_status && upload.check_status === 'failed')
          ? 500
          : !upload.run_status && upload.check_status === 'refused'
            ? 400
            : 200
      send(
        res,
        status,
        await uploadPage(caller, upload, session.csrfToken),
        upload.run_status === 'failed'
          ? `The import stopped after ${upload.run_done} of ${upload.run_total} rows: ${upload.run_error}`
          : undefined,
      )
    }),
  )

  return router
}

/** An upload as the page reads it, with its reports when asked. */
type Upload = z.output<typeof importUploadsQuery.record>

/** The upload with this id, or null when the business has none (or it was removed after some hours). */
async function uploadOf(caller: Caller, id: string, include: string[] = []): Promise<Upload | null> {
  try {
    return await callQuery(caller, importUploadsQuery, { id, include })
  } catch (err) {
    if (err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION_ERROR')) return null
    throw err
  }
}

/** The page of an upload where it stands: checking, the dry run (or why there is none), importing, or done. */
async function uploadPage(caller: Caller, upload: Upload, csrf: string): Promise<SafeHtml> {
  if (!upload.run_status) {
    if (upload.check_status === 'checking') return upload.stalled ? stopped(upload, csrf, 'check') : checkingPage(upload)
    const full = upload.check_status === 'checked' ? await uploadOf(caller, upload.id, ['report']) : null
    return dryRunPage(full ?? upload, csrf)
  }
  if (upload.run_status === 'running') {
    if (upload.stalled) return stopped(upload, csrf, 'run')
    return html`<meta http-equiv="refresh" content="${REFRESH_SECONDS}"><p><strong>Importing ${upload.filename}</strong></p>
<p role="status">Imported ${upload.run_done} of ${upload.run_total} rows.</p><progress max="${upload.run_total}" value="${upload.run_done}">${upload.run_done} of ${upload.run_total}</progress>
<p class="note">Each batch of rows is saved as it finishes; this page looks again every ${REFRESH_SECONDS} s.</p>`
  }
  if (upload.run_status === 'failed') {
    return html`<p class="note">The rows before that were imported. Upload the same file again: rows already imported are matched, not doubled.</p><p><a href="/import">New import</a></p>`
  }
  const report = (await uploadOf(caller, upload.id, ['report']))?.run_report as Record<string, any>
  return html`<p class="ok">Import finished: ${upload.filename}.</p>${summary(report, false)}
${rowsTable(report, (r) => r.outcome !== 'created' || Boolean(r.warnings?.length))}
<p><a href="/import">New import</a> · <a href="/">Home</a></p>`
}

/** The dry run under way: rows checked of the file's, looking again until it is done. */
function checkingPage(upload: Upload): SafeHtml {
  const counted = upload.check_total > 0
  return html`<meta http-equiv="refresh" content="${REFRESH_SECONDS}"><p><strong>Checking ${upload.filename}</strong> · nothing is imported yet</p>
<p role="status">${counted ? `Checked ${upload.check_done} of ${upload.check_total} rows.` : 'Reading the file.'}</p>${
    counted
      ? html`<progress max="${upload.check_total}" value="${upload.check_done}">${upload.check_done} of ${upload.check_total}</progress>`
      : ''
  }
<p class="note">A large file takes a minute or more; this page looks again every ${REFRESH_SECONDS} s, and you may leave it and come back.</p>`
}

/** Work whose server stopped before it ended: say so, and offer to start it again. */
function stopped(upload: Upload, csrf: string, part: 'check' | 'run'): SafeHtml {
  const what =
    part === 'check'
      ? `The check of ${upload.filename} stopped after ${upload.check_done} of ${upload.check_total} rows`
      : `The import of ${upload.filename} stopped after ${upload.run_done} of ${upload.run_total} rows`
  return html`<p class="err">${what} (its server was stopped or restarted).</p>${form(
    `/import/${upload.id}/${part}`,
    csrf,
    html`<button>${part === 'check' ? 'Check again' : 'Import again'}</button>`,
  )}<p class="note">Rows already imported are matched, not doubled.</p>`
}

function uploadForm(csrf: string): SafeHtml {
  return html`${form(
    '/import',
    csrf,
    html`<fieldset class="card"><legend>What the file is</legend>
<label>The file is<select name="kind"><option value="square_customers">Square's customer export (Customers → Export)</option>
<option value="csv_customers">Another CSV of customers (a spreadsheet, another system's export): you choose which column is what</option></select></label>
<label>Where it comes from (for another CSV; e.g. hubspot, spreadsheet)<input name="source" value="csv" pattern="[a-z][a-z0-9_]{0,39}"></label></fieldset>
<label>CSV file (up to ${IMPORT_FILE_LIMIT_BYTES / 1_000_000} MB)<input type="file" name="file" accept=".csv,text/csv"></label>
<label>or paste the CSV text<textarea name="csv" rows="4"></textarea></label>
<button>Check the file (nothing is imported yet)</button>`,
    html` enctype="multipart/form-data"`,
  )}
<p class="note">The check lists every row: what would be created, matched to a customer you already have (by ID, email or phone) and refused, with the line and the reason. Nothing is written until you confirm. Importing the same file again creates nothing new.</p>`
}

function dryRunPage(upload: Upload, csrf: string): SafeHtml {
  const top = html`<p><strong>${upload.filename}</strong> · ${upload.kind === 'square_customers' ? 'Square customer export' : `CSV from ${upload.source}`}</p>`
  const problem = upload.problem ? html`<p class="err">${upload.problem}</p>` : ''
  const report = upload.check_report as Record<string, any> | null | undefined
  const mapping = upload.kind === 'csv_customers' ? mappingForm(upload, Boolean(report?.mapping_proposed), csrf) : ''
  if (!report) return html`${top}${problem}${mapping}<p><a href="/import">Upload another file</a></p>`
  const confirm = report.total
    ? form(`/import/${upload.id}/run`, csrf, html`<button>Import ${report.created + report.matched} customers now</button>`)
    : ''
  return html`${top}${mapping}<h2>What the import would do</h2>${summary(report, true)}${confirm}${rowsTable(report, () => true)}
<p><a href="/import">Upload another file</a></p>`
}

/** One select per column of the file, set to the mapping of the last dry run (proposed from the headers the first time). */
function mappingForm(upload: Upload, proposed: boolean, csrf: string): SafeHtml | '' {
  const headers = upload.headers
  if (!headers) return ''
  // Looked up by the file's headers, which may be any word ("constructor" too).
  const current = new Map(Object.entries(upload.mapping ?? {}))
  const selects = headers.map((header, i) => {
    const chosen = current.get(header) ?? ''
    const key = header
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 63)
    const options: Array<[string, string]> = [['', 'Not imported'], ...MAPPED_FIELDS.map((f) => [f, FIELD_LABELS[f]] as [string, string])]
    if (/^[a-z][a-z0-9_]*$/.test(key)) options.push([`attribute:${key}`, `Keep as a fact: ${key}`])
    if (chosen.startsWith('attribute:') && !options.some(([v]) => v === chosen))
      options.push([chosen, `Keep as a fact: ${chosen.slice(10)}`])
    return html`<tr><td>${header}</td><td><select name="col_${i}" aria-label="${header}">${options.map(
      ([v, label]) => html`<option value="${v}"${v === chosen ? html` selected` : ''}>${label}</option>`,
    )}</select></td></tr>`
  })
  const note = proposed ? html`<p class="note">Proposed from the column names: check it, change what is wrong, and check again.</p>` : ''
  return form(
    `/import/${upload.id}/check`,
    csrf,
    html`<h2>Columns</h2>${note}<table><tr><th>Column in the file</th><th>Imported as</th></tr>${selects}</table>
<label>Where it comes from<input name="source" value="${upload.source}"></label><button class="alt">Check again with these columns</button>`,
  )
}

/** An import's counts in a sentence, and whether anything was written yet. */
export function summary(report: Record<string, any>, dry: boolean): SafeHtml {
  const verb = dry ? 'would be' : 'were'
  return html`<p class="total" role="status">${report.total} rows: ${report.created} ${verb} created, ${report.matched} ${verb} matched to customers you have, ${
    report.refused
  } ${verb} refused.</p>${dry ? html`<p class="note">Nothing has been written yet.</p>` : ''}`
}

/** The rows as a table: line, name, what happens and why; long files list the first rows and every refused or matched one. */
export function rowsTable(report: Record<string, any>, shown: (row: Record<string, any>) => boolean): SafeHtml | '' {
  const rows = (report.rows as Array<Record<string, any>>).filter(shown)
  const listed = rows.filter((r, i) => i < LISTED_ROWS || r.outcome !== 'created')
  if (!listed.length) return ''
  const more =
    rows.length > listed.length ? html`<p class="note">And ${rows.length - listed.length} more rows to be created, not listed.</p>` : ''
  const detail = (r: Record<string, any>) =>
    joinHtml(
      [r.reason, r.matched_by ? `matched by ${String(r.matched_by).replace(/_/g, ' ')}` : '', ...(r.warnings ?? [])].filter(Boolean),
      html`<br>`,
    )
  return html`<table><tr><th>Line</th><th>Name</th><th>Outcome</th><th>Why</th></tr>${listed.map(
    (r) => html`<tr><td class="num">${r.line}</td><td>${r.name}</td>
<td class="${r.outcome === 'refused' ? 'err' : ''}">${r.outcome}</td><td>${detail(r)}</td></tr>`,
  )}</table>${more}`
}

function gone(): SafeHtml {
  return html`<p><a href="/import">Upload the file again</a></p>`
}

/** Why an upload cannot be shown. */
const GONE = 'This upload is not here any more (uploads are kept for a few hours).'

function send(res: Response, status: number, body: SafeHtml, error?: string): void {
  sendOwnerPage(
    res,
    'Import customers',
    html`${body}
${exportLinks()}`,
    { status, wide: true, error },
  )
}
