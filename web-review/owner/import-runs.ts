import { randomUUID } from 'node:crypto'
import type { ColumnMapping } from '../../core/domains/imports/csv-mapping.js'

/** What the owner is importing: Square's customer export, or any CSV through a column mapping. */
export type ImportKind = 'square_customers' | 'csv_customers'

/** A file the owner uploaded, from its dry run until its import has finished. */
export interface ImportUpload {
  id: string
  tenantId: string
  userId: string
  kind: ImportKind
  filename: string
  csv: string
  source: string
  /** The mapping of the last dry run; the import runs with exactly this one. */
  mapping: ColumnMapping | null
  /** The last dry run's report, or why it could not be made (a file that is not what was chosen, a mapping that does not fit). */
  dryRun: Record<string, any> | null
  problem: string | null
  run: ImportRunState | null
  createdAt: number
}

/** How far an import has come, batch by batch, and how it ended. */
export interface ImportRunState {
  status: 'running' | 'done' | 'failed'
  done: number
  total: number
  report: Record<string, any> | null
  error: string | null
}

/** How long an upload is kept after it was made; an import still running is kept until it ends. */
const KEEP_MS = 6 * 60 * 60 * 1000
/** The most uploads kept at once (each holds its file), across businesses; the oldest finished ones go first. */
const MAX_UPLOADS = 50

/**
 * The owner's uploads and their imports' progress, held by this server process: the progress page reads what the batches write here.
 * A restart forgets them (the customers already imported stay); a deployment of several processes would need a shared store.
 */
export class ImportUploads {
  private readonly uploads = new Map<string, ImportUpload>()

  /** Keeps a new upload and returns it. */
  add(upload: Omit<ImportUpload, 'id' | 'mapping' | 'dryRun' | 'problem' | 'run' | 'createdAt'>): ImportUpload {
    this.prune()
    const kept: ImportUpload = { ...upload, id: randomUUID(), mapping: null, dryRun: null, problem: null, run: null, createdAt: Date.now() }
    this.uploads.set(kept.id, kept)
    return kept
  }

  /** The upload with this id, only for the person of the business who made it. */
  find(id: string, tenantId: string, userId: string): ImportUpload | null {
    const upload = this.uploads.get(id)
    return upload && upload.tenantId === tenantId && upload.userId === userId ? upload : null
  }

  /** Marks the upload's import as started; false when it had already started, so a repeated confirm runs nothing twice. */
  start(upload: ImportUpload, total: number): boolean {
    if (upload.run) return false
    upload.run = { status: 'running', done: 0, total, report: null, error: null }
    return true
  }

  private prune(): void {
    const now = Date.now()
    for (const [id, u] of this.uploads) if (now - u.createdAt > KEEP_MS && u.run?.status !== 'running') this.uploads.delete(id)
    const finished = [...this.uploads.values()].filter((u) => u.run?.status !== 'running').sort((a, b) => a.createdAt - b.createdAt)
    while (this.uploads.size >= MAX_UPLOADS && finished.length) this.uploads.delete((finished.shift() as ImportUpload).id)
  }
}
