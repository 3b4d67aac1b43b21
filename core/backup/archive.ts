import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { PassThrough, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import type { Database } from '../db/types.js'
import { dumpSnapshot, type ArchiveSummary, type Manifest } from './dump.js'
import { EntryWriter, readEntries, type Entry } from './entries.js'
import { ArchiveError, openStream, sealStream, type ArchiveHeader } from './seal.js'

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
 * Writes a sealed archive of a snapshot to `file`: the manifest, the rows, the sequences, the documents (read from the
 * store after the rows, since a document's bytes never change under its hash) and the summary, gzip-compressed then
 * sealed. The file appears under its name only once it is complete.
 */
export async function writeArchive(input: {
  snapshot: Database
  tenantId?: string
  key: Buffer
  file: string
  now: Date
  readDocument: ReadDocument
}): Promise<WrittenArchive> {
  const gzip = createGzip({ level: 6 })
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
  const written = pipeline(
    gzip,
    sealStream(input.key, input.tenantId ?? 'all', input.now),
    counted,
    createWriteStream(partial, { mode: 0o600 }),
  )
  written.catch(() => {})
  try {
    const out = new EntryWriter(gzip)
    const summary = await dumpSnapshot(input.snapshot, { tenantId: input.tenantId }, out, input.now)
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
      await out.write({ type: 'document', tenant, sha256 }, content)
    }
    summary.documents = kept
    await out.write({ type: 'summary', summary, missing })
    await out.end()
    await written
    await rename(partial, input.file)
    return { file: input.file, bytes, sha256: hash.digest('hex'), summary, missing }
  } catch (err) {
    gzip.destroy()
    await written.catch(() => {})
    await rm(partial, { force: true })
    throw err
  }
}

/** An archive opened for reading: its header, then its entries in order (an ArchiveError stops them at a bad byte). */
export async function openArchive(file: string, key: Buffer): Promise<{ header: ArchiveHeader; entries: AsyncGenerator<Entry> }> {
  await stat(file).catch(() => {
    throw new ArchiveError('not_an_archive', `No archive at ${file}`)
  })
  const opener = openStream(key)
  const body = new PassThrough()
  pipeline(createReadStream(file), opener, createGunzip(), body).catch((err) => {
    body.destroy(err instanceof ArchiveError ? err : new ArchiveError('damaged', `The archive is damaged: ${(err as Error).message}`))
  })
  const header = await opener.header
  return { header, entries: readEntries(body) }
}

/** Reads an archive through to its end without keeping anything: its manifest and summary, or the reason it cannot be used. */
export async function checkArchive(
  file: string,
  key: Buffer,
): Promise<{ header: ArchiveHeader; manifest: Manifest; summary: ArchiveSummary }> {
  const { header, entries } = await openArchive(file, key)
  let manifest: Manifest | null = null
  let summary: ArchiveSummary | null = null
  for await (const entry of entries) {
    if (entry.head.type === 'manifest') manifest = entry.head.manifest as Manifest
    if (entry.head.type === 'summary') summary = entry.head.summary as ArchiveSummary
  }
  if (!manifest || !summary) throw new ArchiveError('truncated', 'The archive is cut short: it has no manifest or no summary')
  return { header, manifest, summary }
}
