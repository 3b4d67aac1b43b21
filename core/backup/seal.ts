import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

/** The first bytes of every archive: what it is, and the version of its layout. */
const MAGIC = Buffer.from('CRMBAK01')

/** Plain bytes sealed per chunk: a damaged byte loses one chunk's check, and memory stays small. */
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

/** Why an archive cannot be opened: every reason names what to do. */
export class ArchiveError extends Error {
  constructor(
    readonly reason: 'not_an_archive' | 'wrong_key' | 'damaged' | 'truncated',
    message: string,
  ) {
    super(message)
    this.name = 'ArchiveError'
  }
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

/**
 * Seals a stream under CRM_BACKUP_KEY: the magic, the header, then chunks of AES-256-GCM under a key of the archive's own
 * (HKDF with a random salt), each numbered by its nonce and the last one marked, so reordering, cutting or changing a
 * byte is found when opening.
 */
export function sealStream(masterKey: Buffer, scope: string, now: Date): Transform {
  const salt = randomBytes(16)
  const key = archiveKey(masterKey, salt)
  const header: ArchiveHeader = { format: 1, created_at: now.toISOString(), scope, salt: salt.toString('base64'), key_check: keyCheck(key) }
  const headerBytes = Buffer.from(JSON.stringify(header))
  const headerHash = createHash('sha256').update(headerBytes).digest()
  let pending: Buffer[] = []
  let pendingBytes = 0
  let counter = 0
  let started = false
  const frame = (plain: Buffer, final: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(counter++))
    cipher.setAAD(chunkAad(headerHash, final))
    const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()])
    const head = Buffer.alloc(5)
    head.writeUInt8(final ? 1 : 0, 0)
    head.writeUInt32BE(sealed.length, 1)
    return Buffer.concat([head, sealed])
  }
  const start = (t: Transform) => {
    if (started) return
    started = true
    const length = Buffer.alloc(4)
    length.writeUInt32BE(headerBytes.length)
    t.push(Buffer.concat([MAGIC, length, headerBytes]))
  }
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      start(this)
      pending.push(chunk)
      pendingBytes += chunk.length
      // Hold at least one byte back: the last chunk is sealed as final in flush.
      while (pendingBytes > CHUNK_BYTES) {
        const all = Buffer.concat(pending)
        this.push(frame(all.subarray(0, CHUNK_BYTES), false))
        pending = [all.subarray(CHUNK_BYTES)]
        pendingBytes = pending[0].length
      }
      done()
    },
    flush(done: TransformCallback) {
      start(this)
      this.push(frame(Buffer.concat(pending), true))
      done()
    },
  })
}

/** Opens a sealed stream, chunk by chunk; errors with an ArchiveError for a wrong key, a changed byte or a cut file. */
export function openStream(masterKey: Buffer): Transform & { header: Promise<ArchiveHeader> } {
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
