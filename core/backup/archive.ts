import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Database } from '../db/types.js'
import { AGE_MAGIC, openSealedTar, sealedTarWriter } from './age-tar.js'
import { ArchiveError } from './archive-error.js'
import { dumpSnapshot, type ArchiveSummary, type Manifest } from './dump.js'
import type { Entry } from './entries.js'
import { FIRST_FORMAT_MAGIC, openFirstFormat } from './first-format.js'

/** Reads one document's bytes from the store it is kept in, or null when the store no longer has it. */
export type ReadDocument = (tenantId: string, sha256: string) => Promise<Buffer | null>

/** A written archive: where, its size and hash, and what it holds. */
export interface WrittenArchive {
  file: string
  bytes: number
  sha256: string
  summary: ArchiveSummary
  /** Documents the store no longer had: named, so the owner learns of it, and the rest is kept. */
  missing: string[]
}

/**
 * Writes an archive of a snapshot to `file`: a tar of plain files (the manifest, the rows, the sequences, the documents,
 * read from the store after the rows since a document's bytes never change under its hash, and the summary),
 * gzip-compressed and sealed with age under CRM_BACKUP_KEY, so `age -d` and `tar` open it anywhere. The file appears
 * under its name only once it is complete.
 */
export async function writeArchive(input: {
  snapshot: Database
  tenantId?: string
  key: Buffer
  file: string
  now: Date
  readDocument: ReadDocument
}): Promise<WrittenArchive> {
  const hash = createHash('sha256')
  let bytes = 0
  const counted = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      bytes += chunk.length
      done(null, chunk)
    },
  })
  const partial = `${input.file}.part`
  const { sink, sealed } = await sealedTarWriter(input.key)
  const written = pipeline(sealed, counted, createWriteStream(partial, { mode: 0o600 }))
  written.catch(() => {})
  try {
    const summary = await dumpSnapshot(input.snapshot, { tenantId: input.tenantId }, sink, input.now)
    const missing: string[] = []
    const kept: string[] = []
    for (const id of summary.documents) {
      const [tenant, sha256] = id.split('/')
      const content = await input.readDocument(tenant, sha256)
      if (!content) {
        missing.push(id)
        continue
      }
      kept.push(id)
      await sink.write({ type: 'document', tenant, sha256 }, content)
    }
    summary.documents = kept
    await sink.write({ type: 'summary', summary, missing })
    await sink.end()
    await written
    await rename(partial, input.file)
    return { file: input.file, bytes, sha256: hash.digest('hex'), summary, missing }
  } catch (err) {
    sealed.destroy()
    await written.catch(() => {})
    await rm(partial, { force: true })
    throw err
  }
}

/** What an archive is of: every business ('all') or one business's id, and when it was made. */
export interface ArchiveAbout {
  scope: string
  created_at: string
}

/**
 * An archive opened for reading, of either format (an age file holding a tar, or the first format): what it is of, then
 * its entries in order, the manifest first (an ArchiveError stops them at a bad byte).
 */
export async function openArchive(file: string, key: Buffer): Promise<{ about: ArchiveAbout; entries: AsyncGenerator<Entry> }> {
  const start = await firstBytes(file, AGE_MAGIC.length)
  if (start.equals(AGE_MAGIC)) {
    const entries = await openSealedTar(createReadStream(file), key)
    const first = await entries.next()
    if (first.done || first.value.head.type !== 'manifest')
      throw new ArchiveError('damaged', 'The archive is damaged: it does not begin with its manifest')
    const manifest = first.value.head.manifest as Manifest
    return { about: { scope: manifest.scope, created_at: manifest.created_at }, entries: again(first.value, entries) }
  }
  if (start.subarray(0, FIRST_FORMAT_MAGIC.length).equals(FIRST_FORMAT_MAGIC)) {
    const { header, entries } = await openFirstFormat(createReadStream(file), key)
    return { about: { scope: header.scope, created_at: header.created_at }, entries }
  }
  throw new ArchiveError('not_an_archive', 'This file is not a Service CRM backup archive')
}

/** The first bytes of a file (fewer when it is shorter), or an ArchiveError when there is no file. */
async function firstBytes(file: string, count: number): Promise<Buffer> {
  const handle = await open(file, 'r').catch(() => {
    throw new ArchiveError('not_an_archive', `No archive at ${file}`)
  })
  try {
    const buffer = Buffer.alloc(count)
    const { bytesRead } = await handle.read(buffer, 0, count, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** The entries again from the first, which was read to learn what the archive is of. */
async function* again(first: Entry, rest: AsyncGenerator<Entry>): AsyncGenerator<Entry> {
  yield first
  yield* rest
}

/** Reads an archive through to its end without keeping anything: its manifest and summary, or the reason it cannot be used. */
export async function checkArchive(
  file: string,
  key: Buffer,
): Promise<{ about: ArchiveAbout; manifest: Manifest; summary: ArchiveSummary }> {
  const { about, entries } = await openArchive(file, key)
  let manifest: Manifest | null = null
  let summary: ArchiveSummary | null = null
  for await (const entry of entries) {
    if (entry.head.type === 'manifest') manifest = entry.head.manifest as Manifest
    if (entry.head.type === 'summary') summary = entry.head.summary as ArchiveSummary
  }
  if (!manifest || !summary) throw new ArchiveError('truncated', 'The archive is cut short: it has no manifest or no summary')
  return { about, manifest, summary }
}
