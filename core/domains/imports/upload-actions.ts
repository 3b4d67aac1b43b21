import { z } from 'zod'
import { AppError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { headersOf } from './csv-customers.js'
import { importCsvInput } from './model.js'
import { checkAfterCommit, runAfterCommit } from './upload-work.js'
import { busy, IMPORT_UPLOAD_RECORD, loadUpload, STALLED_AFTER_SECONDS, UPLOAD_KINDS, uploadFile } from './uploads.js'
import { page } from '../../vocabulary/places.js'
import { heldInCustomers } from './held-rows.js'
import { planOf } from './upload-work.js'

/** How long an upload (with its file) is kept after it last moved. */
const KEEP_HOURS = 6

const uploadId = z.uuid().describe('The upload, from import.upload')
const source = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'expected lower case letters, digits and _, e.g. hubspot')
const mapping = z
  .record(z.string().min(1).max(200), z.string().max(100))
  .describe('Column header -> field, as import.csv_customers takes it; omitted: proposed from the headers')

/** Takes a customer file and starts its dry run in the background; answers at once with the upload to follow. */
export const uploadImport = defineAction({
  key: 'import.upload',
  title: 'Upload a customer file and check it',
  place: page('/import', 'choose the file, then Check the file'),
  description:
    'Upload a customer file to import and start its dry run in the background, answering at once (a large file takes a minute ' +
    "or more to check): kind square_customers (Square's customer export) or csv_customers (any CSV, with mapping as import.csv_customers " +
    'takes it, or proposed from the headers), the csv text (up to 5 MB), filename and source (csv_customers: the namespace of its ids). ' +
    'Follow it with import_uploads (check_status checking, then checked with include=report, or refused with the problem, ' +
    'check_done of check_total rows); import.check checks again with another mapping; import.run imports it. Nothing is written to ' +
    `customers by the check. Uploads are kept ${KEEP_HOURS} hours.`,
  access: { agent: 'unrestricted', technician: 'none' },
  phrases: ['import', 'upload', 'csv', 'square', 'dry run', 'check file', 'move in'],
  input: z.strictObject({
    kind: z.enum(UPLOAD_KINDS),
    csv: importCsvInput.describe('The whole CSV file as text, header row first'),
    filename: z.string().trim().min(1).max(300).default('pasted text'),
    source: source.optional().describe('csv_customers: where the file comes from, e.g. hubspot (default csv)'),
    mapping: mapping.optional(),
  }),
  output: IMPORT_UPLOAD_RECORD,
  async run(ctx, input) {
    let headers: string[] | null = null
    try {
      headers = headersOf(input.csv)
    } catch {
      // A file whose header row cannot be read has none to map; its dry run says what is wrong with it.
    }
    await ctx.db.query(`delete from import_uploads where updated_at < now() - make_interval(hours => ${KEEP_HOURS})`)
    const r = await ctx.db.query<{ id: string }>(
      `insert into import_uploads (tenant_id, kind, filename, source, csv, headers, mapping, author_type, author_id)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
      [
        ctx.tenantId,
        input.kind,
        input.filename,
        input.kind === 'square_customers' ? 'square' : (input.source ?? 'csv'),
        input.csv,
        headers && JSON.stringify(headers),
        input.mapping ? JSON.stringify(input.mapping) : null,
        ctx.actor.type,
        ctx.actor.id,
      ],
    )
    const upload = await loadUpload(ctx.db, r.rows[0].id)
    await ctx.audit({
      entityType: 'import_upload',
      entityId: upload.id,
      action: 'create',
      before: null,
      after: { kind: upload.kind, filename: upload.filename, source: upload.source, mapping: upload.mapping },
    })
    checkAfterCommit(ctx, upload.id, upload.check_attempt)
    return upload
  },
})

/** Checks an upload again, with another mapping or source; the dry run runs in the background as the first did. */
export const checkImport = defineAction({
  key: 'import.check',
  title: 'Check an uploaded file again',
  place: page('/import', 'after the check, choose the columns, then Check again'),
  description:
    'Check an upload again (a new dry run in the background, answering at once): mapping (csv_customers) and source replace ' +
    "the upload's. Refused (CONFLICT) once its import has started. A dry run still going is replaced by the new one.",
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  phrases: ['check again', 'column mapping', 'dry run'],
  input: z.strictObject({ upload_id: uploadId, mapping: mapping.optional(), source: source.optional() }),
  output: IMPORT_UPLOAD_RECORD,
  async run(ctx, input) {
    const before = await loadUpload(ctx.db, input.upload_id, true)
    if (before.run_status) {
      throw new AppError(
        'CONFLICT',
        `Upload ${before.id} (${before.filename}) was already imported or is importing; upload the file again to check it anew`,
        { upload_id: before.id, run_status: before.run_status },
      )
    }
    await ctx.db.query(
      `update import_uploads set check_status = 'checking', check_attempt = check_attempt + 1, check_done = 0, check_total = 0,
        check_report = null, problem = null, mapping = coalesce($2, mapping), source = coalesce($3, source) where id = $1`,
      [before.id, input.mapping ? JSON.stringify(input.mapping) : null, before.kind === 'csv_customers' ? (input.source ?? null) : null],
    )
    const after = await loadUpload(ctx.db, before.id)
    await ctx.audit({
      entityType: 'import_upload',
      entityId: after.id,
      action: 'check',
      before: { mapping: before.mapping, source: before.source },
      after: { mapping: after.mapping, source: after.source },
    })
    checkAfterCommit(ctx, after.id, after.check_attempt)
    return after
  },
})

/** Imports an upload whose dry run is done, in batches in the background; asked again while it runs, it starts nothing. */
export const runImport = defineAction({
  key: 'import.run',
  title: 'Import an uploaded file',
  place: page('/import', 'after the check, Import the customers now'),
  description:
    'Import an upload whose dry run is checked (the customers it listed are created or filled in), in batches in the background, ' +
    'answering at once: follow run_status, run_done of run_total on import_uploads. Asked again while it runs or once done, it starts ' +
    `nothing; after a failure, or when it has not moved for ${STALLED_AFTER_SECONDS} s, it starts again (rows already imported are ` +
    "matched, not doubled). Not yet checked, or refused: CONFLICT. An agent's call waits for the owner's approval.",
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    ownerSees: async (ctx, input) => heldInCustomers(ctx, planOf(await uploadFile(ctx.db, input.upload_id)).rows),
  },
  idempotent: true,
  phrases: ['import now', 'confirm import', 'run import'],
  input: z.strictObject({ upload_id: uploadId }),
  output: IMPORT_UPLOAD_RECORD,
  async run(ctx, input) {
    const before = await loadUpload(ctx.db, input.upload_id, true)
    if (before.check_status !== 'checked') {
      throw new AppError(
        'CONFLICT',
        before.check_status === 'checking'
          ? `Upload ${before.id} is still being checked: ${before.check_done} of ` +
              `${before.check_total} rows; import it once its dry run is done`
          : `Upload ${before.id} could not be checked (${before.problem ?? before.check_status}); ` +
              'fix the file or its mapping (import.check) first',
        { upload_id: before.id, check_status: before.check_status },
      )
    }
    if (busy(before, 'run') || before.run_status === 'done') return before
    await ctx.db.query(
      `update import_uploads set run_status = 'running', run_done = 0, run_total = check_total, run_report = null, run_error = null
      where id = $1`,
      [before.id],
    )
    const after = await loadUpload(ctx.db, before.id)
    await ctx.audit({
      entityType: 'import_upload',
      entityId: after.id,
      action: 'run',
      before: { run_status: before.run_status },
      after: { run_status: after.run_status },
    })
    runAfterCommit(ctx, after.id)
    return after
  },
})
