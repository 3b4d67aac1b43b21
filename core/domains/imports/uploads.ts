import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { notFound } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { IMPORT_REPORT, MAPPED_IMPORT_REPORT } from './model.js'

/*
 * An uploaded customer file and its work (migration 0082): the dry run and the import run in the background of the
 * process that took the request, writing their progress to the row batch by batch, so any server process can answer
 * the page that follows them.
 */

/** The files an upload can be. */
export const UPLOAD_KINDS = ['square_customers', 'csv_customers'] as const

/** Work that has not moved for this long is taken as stopped (its process ended): it may be started again. */
export const STALLED_AFTER_SECONDS = 120

/** The columns of an upload as the API shows it (never the file itself); stalled from the database's own clock. */
export const UPLOAD_COLUMNS = `id, kind, filename, source, headers, mapping, check_status, check_attempt, check_done, check_total, problem,
  run_status, run_done, run_total, run_error, author_type, author_id, created_at, updated_at,
  updated_at < now() - make_interval(secs => ${STALLED_AFTER_SECONDS}) as stalled`

/** An upload as the API shows it (UPLOAD_COLUMNS). */
export const IMPORT_UPLOAD_RECORD = z.object({
  id: z.uuid(),
  kind: z.enum(UPLOAD_KINDS),
  filename: z.string(),
  source: z.string(),
  headers: z.array(z.string()).nullable().describe("The file's header row"),
  mapping: z.record(z.string(), z.string()).nullable().describe('The column mapping of the last dry run (csv_customers)'),
  check_status: z
    .enum(['checking', 'checked', 'refused', 'failed'])
    .describe('The dry run: checking (in progress), checked (report ready), refused (see problem: the file or mapping), failed'),
  check_attempt: z.number().int(),
  check_done: z.number().int().describe('Rows checked so far'),
  check_total: z.number().int().describe('Rows in the file (0 until it is read)'),
  problem: z.string().nullable(),
  run_status: z.enum(['running', 'done', 'failed']).nullable().describe('The import, once confirmed'),
  run_done: z.number().int(),
  run_total: z.number().int(),
  run_error: z.string().nullable(),
  author_type: z.enum(['user', 'agent', 'system']),
  author_id: z.uuid().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  stalled: z
    .boolean()
    .describe(`true when checking or running has not moved for ${STALLED_AFTER_SECONDS} s (its server stopped): start it again`),
})

/** An upload as read. */
export type ImportUpload = z.output<typeof IMPORT_UPLOAD_RECORD>

/** include=report: the dry run's report and the import's, row by row. */
export const UPLOAD_REPORTS = z.object({
  check_report: z.union([MAPPED_IMPORT_REPORT, IMPORT_REPORT]).nullable(),
  run_report: z.union([MAPPED_IMPORT_REPORT, IMPORT_REPORT]).nullable(),
})

/** An upload, locked for a change when asked; NOT_FOUND when the business has none with that id. */
export async function loadUpload(tx: Queryable, id: string, lock = false): Promise<ImportUpload> {
  const r = await tx.query<ImportUpload>(`select ${UPLOAD_COLUMNS} from import_uploads where id = $1 ${lock ? 'for update' : ''}`, [id])
  if (!r.rows[0]) throw notFound('upload', id)
  return r.rows[0]
}

/** The file of an upload, for the work on it. */
export async function uploadFile(tx: Queryable, id: string): Promise<ImportUpload & { csv: string }> {
  const r = await tx.query<ImportUpload & { csv: string }>(`select ${UPLOAD_COLUMNS}, csv from import_uploads where id = $1`, [id])
  if (!r.rows[0]) throw notFound('upload', id)
  return r.rows[0]
}

/** Whether work on the upload is going on now: checking or running, and not stalled. */
export function busy(upload: Pick<ImportUpload, 'check_status' | 'run_status' | 'stalled'>, part: 'check' | 'run'): boolean {
  return !upload.stalled && (part === 'check' ? upload.check_status === 'checking' : upload.run_status === 'running')
}
