import { Decrypter, Encrypter } from 'age-encryption'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { createGunzip, createGzip } from 'node:zlib'
import tar from 'tar-stream'
import { ArchiveError } from './archive-error.js'
import { scryptIdentity, scryptRecipient } from './age-scrypt.js'
import type { Entry, EntrySink } from './entries.js'

/** The first bytes of every age file, and so of every archive made in this format. */
export const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n')

/**
 * scrypt's work factor for the passphrase: it slows guessing a passphrase a person chose, and CRM_BACKUP_KEY is 32 random
 * bytes no one guesses, so a small factor keeps a backup's memory small (16 MiB) and costs nothing in safety.
 */
const SCRYPT_LOG_N = 14

/** What an owner reads first on opening an archive with `age -d` and `tar`. */
const README = `Service CRM backup

This folder is one business (or every business of an installation) as it stood when the backup was made:
  manifest.json        when it was made, the schema it was written under, each table's columns
  tables/NAME/*.jsonl  the rows of each table, one JSON object per line
  sequences/NAME.json  where each numbering sequence stood
  documents/BUSINESS/SHA256  each stored document (photos, PDFs, logos), named by the SHA-256 of its bytes
  summary.json         each table's row count and checksum, and any document the store no longer had

To put it back into Service CRM, restore the archive itself: npx crm restore FILE
`

/**
 * The passphrase an archive is sealed with: CRM_BACKUP_KEY in base64, as \`openssl rand -base64 32\` writes it, whichever
 * way it was set. \`age -d\` asks for it.
 */
export function passphraseOf(key: Buffer): string {
  return key.toString('base64')
}

/**
 * Writes entries as files of a tar archive, gzip-compressed and sealed with age under the key's passphrase, into a
 * stream: the README, the manifest, the rows of each table in numbered parts, the sequences, the documents, the summary.
 */
export async function sealedTarWriter(key: Buffer): Promise<{ sink: EntrySink & { end(): Promise<void> }; sealed: Readable }> {
  const pack = tar.pack()
  const encrypter = new Encrypter()
  encrypter.addRecipient(scryptRecipient(passphraseOf(key), SCRYPT_LOG_N))
  const gzip = pack.pipe(createGzip({ level: 6 }))
  const sealed = Readable.fromWeb((await encrypter.encrypt(Readable.toWeb(gzip) as ReadableStream<Uint8Array>)) as WebReadableStream)
  const parts = new Map<string, number>()
  const file = (name: string, content: Buffer | string) =>
    new Promise<void>((resolve, reject) => pack.entry({ name }, content, (err) => (err ? reject(err) : resolve())))
  await file('README.txt', README)
  const sink = {
    async write(head: Record<string, unknown> & { type: string }, payload: Buffer = Buffer.alloc(0)): Promise<void> {
      if (head.type === 'manifest') return file('manifest.json', json(head.manifest))
      if (head.type === 'rows') {
        const table = String(head.table)
        const part = (parts.get(table) ?? 0) + 1
        parts.set(table, part)
        return file(`tables/${table}/${String(part).padStart(6, '0')}.jsonl`, payload)
      }
      if (head.type === 'sequence')
        return file(`sequences/${head.name}.json`, json({ last_value: head.last_value, is_called: head.is_called }))
      if (head.type === 'document') return file(`documents/${head.tenant}/${head.sha256}`, payload)
      if (head.type === 'summary') return file('summary.json', json({ summary: head.summary, missing: head.missing }))
      throw new Error(`an archive has no place for a ${head.type} entry`)
    },
    async end(): Promise<void> {
      pack.finalize()
    },
  }
  return { sink, sealed }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 1)}\n`
}

/** Opens an archive of this format: its entries in order, as they were written; an ArchiveError says why it cannot be read. */
export async function openSealedTar(file: Readable, key: Buffer): Promise<AsyncGenerator<Entry>> {
  const decrypter = new Decrypter()
  decrypter.addIdentity(scryptIdentity(passphraseOf(key)))
  let plain: ReadableStream<Uint8Array>
  try {
    plain = await decrypter.decrypt(Readable.toWeb(file) as ReadableStream<Uint8Array>)
  } catch (err) {
    throw openingError(err)
  }
  const extract = tar.extract()
  // One pipeline, so a reader that stops early (after the manifest) closes the file too.
  pipeline(Readable.fromWeb(plain as WebReadableStream), createGunzip(), extract).catch(() => {})
  return entriesOf(extract)
}

/** The reason an age file did not open, in the words of the archive's other errors. */
function openingError(err: unknown): ArchiveError {
  if (err instanceof ArchiveError) return err
  const message = err instanceof Error ? err.message : String(err)
  if (/no identity matched/.test(message))
    return new ArchiveError(
      'wrong_key',
      'CRM_BACKUP_KEY is not the key this archive was sealed with: set CRM_BACKUP_KEY to the key that was set when it was made',
    )
  if (/invalid (?:version line|stanza|header)|expected length/.test(message))
    return new ArchiveError('damaged', 'The archive is damaged: its header is not readable')
  return new ArchiveError(
    'damaged',
    'The archive is damaged or cut short: a part does not check out (a changed or missing byte, or an interrupted copy)',
  )
}

/** The tar's files as the entries they were written from. */
async function* entriesOf(extract: tar.Extract): AsyncGenerator<Entry> {
  try {
    for await (const file of extract) {
      const chunks: Buffer[] = []
      for await (const chunk of file) chunks.push(chunk as Buffer)
      const payload = Buffer.concat(chunks)
      const head = headOf(file.header.name, payload)
      if (head) yield { head: { ...head, length: payload.length }, payload }
    }
  } catch (err) {
    throw openingError(err)
  }
}

/** What one file of the tar was written from; null for the README, which is for people. */
function headOf(name: string, payload: Buffer): { type: string; [field: string]: unknown } | null {
  const rows = /^tables\/([a-z_0-9]+)\/\d+\.jsonl$/.exec(name)
  if (rows) return { type: 'rows', table: rows[1] }
  const sequence = /^sequences\/([a-z_0-9]+)\.json$/.exec(name)
  if (sequence) return { type: 'sequence', name: sequence[1], ...parsed(name, payload) }
  const document = /^documents\/([0-9a-f-]{36})\/([0-9a-f]{64})$/.exec(name)
  if (document) return { type: 'document', tenant: document[1], sha256: document[2] }
  if (name === 'manifest.json') return { type: 'manifest', manifest: parsed(name, payload) }
  if (name === 'summary.json') return { type: 'summary', ...parsed(name, payload) }
  if (name === 'README.txt') return null
  throw new ArchiveError('damaged', `The archive is damaged: it holds ${name}, which no backup writes`)
}

function parsed(name: string, payload: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(payload.toString('utf8')) as Record<string, unknown>
  } catch {
    throw new ArchiveError('damaged', `The archive is damaged: ${name} is not readable`)
  }
}
