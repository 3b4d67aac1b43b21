import { parentPort, workerData } from 'node:worker_threads'
import { ArchiveError } from './archive-error.js'
import { verifyArchive } from './verify.js'

/** What the verifying thread is given: the archive, its key and the backup's time. */
export interface VerifyJob {
  file: string
  key: Uint8Array
  now: string
}

/** What it answers: the counts, or why the archive did not verify. */
export type VerifyReply =
  | { ok: true; counts: Record<string, number> }
  | { ok: false; message: string; reason: ArchiveError['reason'] | null }

const job = workerData as VerifyJob
verifyArchive(job.file, Buffer.from(job.key), new Date(job.now)).then(
  (counts) => parentPort?.postMessage({ ok: true, counts } satisfies VerifyReply),
  (err: unknown) =>
    parentPort?.postMessage({
      ok: false,
      message: err instanceof Error ? err.message : String(err),
      reason: err instanceof ArchiveError ? err.reason : null,
    } satisfies VerifyReply),
)
