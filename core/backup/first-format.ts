import { createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { PassThrough, type Readable, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { ArchiveError } from './archive-error.js'
import type { Entry } from './entries.js'

// The format of the archives made before they were age files holding a tar (age-tar.ts): restore still reads them.

/** The first bytes of every archive in this format. */
export const FIRST_FORMAT_MAGIC = Buffer.from('CRMBAK01')
const MAGIC = FIRST_FORMAT_MAGIC

/** Plain bytes sealed per chunk, at most. */
const CHUNK_BYTES = 1 << 20

/** What an archive says of itself before its sealed body: nothing of a business, only how to open it. */
export interface ArchiveHeader {
  format: 1
  created_at: string
  /** 'all', or the id of the one business it holds. */
  scope: string
  /** The salt the archive's own key was derived with from CRM_BACKUP_KEY. */
  salt: string
  /** Proves a key is the right one without opening a chunk, so a wrong key is told apart from a damaged file. */
  key_check: string
}

function archiveKey(masterKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, salt, 'service-crm backup v1', 32))
}

function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('key check').digest('hex').slice(0, 32)
}

function nonce(counter: number): Buffer {
  const n = Buffer.alloc(12)
  n.writeBigUInt64BE(BigInt(counter), 4)
  return n
}

/** The associated data of one chunk: the header it belongs to and whether it is the last (so a cut file never reads as whole). */
function chunkAad(headerHash: Buffer, final: boolean): Buffer {
  return Buffer.concat([headerHash, Buffer.from([final ? 1 : 0])])
}

/** Opens a sealed stream, chunk by chunk; errors with an ArchiveError for a wrong key, a changed byte or a cut file. */
function openStream(masterKey: Buffer): Transform & { header: Promise<ArchiveHeader> } {
  let buffered: Buffer = Buffer.alloc(0)
  let key: Buffer | null = null
  let headerHash: Buffer | null = null
  let counter = 0
  let ended = false
  let resolveHeader: (h: ArchiveHeader) => void = () => {}
  let rejectHeader: (e: Error) => void = () => {}
  const header = new Promise<ArchiveHeader>((resolve, reject) => {
    resolveHeader = resolve
    rejectHeader = reject
  })
  header.catch(() => {})
  const fail = (err: ArchiveError, done: TransformCallback) => {
    rejectHeader(err)
    done(err)
  }
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk
      if (!key) {
        if (buffered.length < MAGIC.length + 4) return done()
        if (!buffered.subarray(0, MAGIC.length).equals(MAGIC))
          return fail(new ArchiveError('not_an_archive', 'This file is not a Service CRM backup archive'), done)
        const length = buffered.readUInt32BE(MAGIC.length)
        if (length > 64 * 1024) return fail(new ArchiveError('damaged', 'The archive is damaged: its header is not readable'), done)
        if (buffered.length < MAGIC.length + 4 + length) return done()
        const headerBytes = buffered.subarray(MAGIC.length + 4, MAGIC.length + 4 + length)
        let parsed: ArchiveHeader
        try {
          parsed = JSON.parse(headerBytes.toString('utf8')) as ArchiveHeader
        } catch {
          return fail(new ArchiveError('damaged', 'The archive is damaged: its header is not readable'), done)
        }
        if (parsed.format !== 1 || typeof parsed.salt !== 'string' || typeof parsed.key_check !== 'string')
          return fail(new ArchiveError('damaged', 'The archive is damaged: its header is not readable'), done)
        const candidate = archiveKey(masterKey, Buffer.from(parsed.salt, 'base64'))
        const check = Buffer.from(keyCheck(candidate))
        const given = Buffer.from(parsed.key_check)
        if (check.length !== given.length || !timingSafeEqual(check, given))
          return fail(
            new ArchiveError(
              'wrong_key',
              'CRM_BACKUP_KEY is not the key this archive was sealed with: set CRM_BACKUP_KEY to the key that was set when it was made',
            ),
            done,
          )
        key = candidate
        headerHash = createHash('sha256').update(headerBytes).digest()
        buffered = buffered.subarray(MAGIC.length + 4 + length)
        resolveHeader(parsed)
      }
      while (buffered.length >= 5) {
        if (ended) return done(new ArchiveError('damaged', 'The archive is damaged: bytes follow its last part'))
        const final = buffered.readUInt8(0) === 1
        const length = buffered.readUInt32BE(1)
        if (length < 16 || length > CHUNK_BYTES + 16)
          return done(new ArchiveError('damaged', 'The archive is damaged: a part is not readable'))
        if (buffered.length < 5 + length) break
        const sealed = buffered.subarray(5, 5 + length)
        buffered = buffered.subarray(5 + length)
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, nonce(counter++))
          decipher.setAAD(chunkAad(headerHash as Buffer, final))
          decipher.setAuthTag(sealed.subarray(sealed.length - 16))
          this.push(Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]))
        } catch {
          return done(new ArchiveError('damaged', `The archive is damaged: part ${counter} does not check out (a changed or missing byte)`))
        }
        if (final) ended = true
      }
      done()
    },
    flush(done: TransformCallback) {
      if (!key) return fail(new ArchiveError('truncated', 'The archive is cut short: it ends before its header'), done)
      if (!ended || buffered.length)
        return done(new ArchiveError('truncated', 'The archive is cut short: it ends before its last part (an interrupted copy?)'))
      done()
    },
  })
  return Object.assign(stream, { header })
}

/**
 * Opens an archive of the first format: the header it carries in the clear (its scope and moment), and its entries in
 * order (an ArchiveError stops them at a bad byte): gzip-compressed entries, each a JSON head line then its payload,
 * sealed in chunks of AES-256-GCM under a key derived from CRM_BACKUP_KEY.
 */
export async function openFirstFormat(file: Readable, key: Buffer): Promise<{ header: ArchiveHeader; entries: AsyncGenerator<Entry> }> {
  const opener = openStream(key)
  const body = new PassThrough()
  pipeline(file, opener, createGunzip(), body).catch((err) => {
    body.destroy(err instanceof ArchiveError ? err : new ArchiveError('damaged', `The archive is damaged: ${(err as Error).message}`))
  })
  const header = await opener.header
  return { header, entries: readEntries(body) }
}

/** Reads the entries of an archive's body in order. */
async function* readEntries(input: Readable): AsyncGenerator<Entry> {
  let buffered: Buffer = Buffer.alloc(0)
  let head: Entry['head'] | null = null
  for await (const chunk of input) {
    buffered = buffered.length ? Buffer.concat([buffered, chunk as Buffer]) : (chunk as Buffer)
    for (;;) {
      if (!head) {
        const newline = buffered.indexOf(10)
        if (newline < 0) break
        head = JSON.parse(buffered.subarray(0, newline).toString('utf8')) as Entry['head']
        buffered = buffered.subarray(newline + 1)
      }
      if (buffered.length < head.length) break
      const payload = buffered.subarray(0, head.length)
      buffered = buffered.subarray(head.length)
      const entry: Entry = { head, payload }
      head = null
      yield entry
    }
  }
  if (head || buffered.length) throw new Error('The archive ends inside an entry')
}
