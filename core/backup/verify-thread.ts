import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { ArchiveError } from './archive-error.js'
import type { VerifyJob, VerifyReply } from './verify-worker.js'

/**
 * Verifies an archive (verifyArchive) in a thread of its own: reading, decrypting and loading the whole business makes
 * garbage the server's heap would keep after the backup; the thread's memory goes back when it ends.
 */
export function verifyArchiveInThread(file: string, key: Buffer, now: Date): Promise<Record<string, number>> {
  const job: VerifyJob = { file, key: new Uint8Array(key), now: now.toISOString() }
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry(), { workerData: job, execArgv: [] })
    let answered = false
    worker.once('message', (reply: VerifyReply) => {
      answered = true
      if (reply.ok) resolve(reply.counts)
      else reject(reply.reason ? new ArchiveError(reply.reason, reply.message) : new Error(reply.message))
    })
    worker.once('error', (err) => {
      answered = true
      reject(new Error(`The backup's verification failed: ${err.message}`))
    })
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`The backup's verification stopped without an answer (exit code ${code})`))
    })
  })
}

/** The thread's script: beside this file when built, else the build's (tests run the sources). */
function workerEntry(): URL {
  const beside = new URL('./verify-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(beside))) return beside
  return new URL('../../dist/core/backup/verify-worker.js', import.meta.url)
}
