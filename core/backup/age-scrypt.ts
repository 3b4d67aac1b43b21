import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto'
import { type Identity, type Recipient, Stanza } from 'age-encryption'

// age's passphrase stanza (age-encryption.org/v1/scrypt), byte for byte as the age library and `age -d` write and read
// it, with the key derived by Node's own scrypt: native, about twice as quick as the library's JavaScript one, and run
// off the event loop, so a backup or a restore no longer holds the server still while it derives the key.

/** What the salt is prefixed with before the passphrase is stretched. */
const LABEL = 'age-encryption.org/v1/scrypt'

/** The highest work factor an archive may ask for, as the age library refuses above it (2^20: a GiB of memory). */
const MAX_LOG_N = 20

/** A recipient that seals an archive's file key under a passphrase, at the given scrypt work factor. */
export function scryptRecipient(passphrase: string, logN: number): Recipient {
  return {
    async wrapFileKey(fileKey) {
      const salt = randomBytes(16)
      const key = await stretch(passphrase, salt, logN)
      const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 })
      const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()])
      return [new Stanza(['scrypt', base64NoPad(salt), String(logN)], body)]
    },
  }
}

/** An identity that opens an archive sealed under the passphrase; it refuses a header age itself refuses. */
export function scryptIdentity(passphrase: string): Identity {
  return {
    async unwrapFileKey(stanzas) {
      for (const s of stanzas) {
        if (s.args[0] !== 'scrypt') continue
        if (stanzas.length !== 1) throw new Error('scrypt recipient is not the only one in the header')
        if (s.args.length !== 3 || !/^[1-9][0-9]*$/.test(s.args[2])) throw new Error('invalid scrypt stanza')
        const salt = fromBase64NoPad(s.args[1])
        if (salt?.length !== 16) throw new Error('invalid scrypt stanza')
        const logN = Number(s.args[2])
        if (logN > MAX_LOG_N) throw new Error('scrypt work factor is too high')
        if (s.body.length !== 32) throw new Error('invalid stanza')
        const key = await stretch(passphrase, salt, logN)
        const decipher = createDecipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 })
        decipher.setAuthTag(s.body.subarray(16))
        try {
          return new Uint8Array(Buffer.concat([decipher.update(s.body.subarray(0, 16)), decipher.final()]))
        } catch {
          // Another passphrase sealed it: not this identity's.
          return null
        }
      }
      return null
    },
  }
}

/** The 32-byte key scrypt stretches the passphrase into (r 8, p 1), in Node's thread pool. */
function stretch(passphrase: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN
  const input = Buffer.concat([Buffer.from(LABEL), salt])
  // Node refuses to use more than 32 MiB unless told: scrypt needs 128 * N * r bytes.
  const maxmem = 2 * 128 * N * 8
  return new Promise((resolve, reject) =>
    scrypt(passphrase, input, 32, { N, r: 8, p: 1, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

/** Base64 without padding, as age writes a stanza's arguments. */
function base64NoPad(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '')
}

/** Decodes canonical unpadded base64, or undefined: Node's decoder would accept what age rejects (padding, stray characters). */
function fromBase64NoPad(text: string | undefined): Buffer | undefined {
  if (text === undefined || !/^[A-Za-z0-9+/]*$/.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64')
  return base64NoPad(bytes) === text ? bytes : undefined
}
