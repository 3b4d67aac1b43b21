import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** Seals secrets (such as a connected company's tokens) before they are stored, and opens them again. */
export interface SecretBox {
  /** `v1.<iv>.<tag>.<ciphertext>`, each base64url; a fresh random IV every time. */
  seal(plain: string): string
  /** The plain text of a sealed value; throws when it was altered or sealed with another key. */
  open(sealed: string): string
}

const VARIABLE = 'CRM_ENCRYPTION_KEY'
const HOW_TO_MAKE = 'make one with `openssl rand -base64 32`'

/** The box from CRM_ENCRYPTION_KEY (32 bytes as base64 or 64 hex characters), or null when it is unset. */
export function secretBoxFromEnv(env: NodeJS.ProcessEnv): SecretBox | null {
  const value = env[VARIABLE]?.trim()
  if (!value) return null
  return createSecretBox(parseKey(VARIABLE, value))
}

/** The 32 key bytes of a base64 or hex text, or an Error naming the variable and how to make a good one. */
export function parseKey(variable: string, value: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex')
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, 'base64')
    if (bytes.length === 32) return bytes
    throw new Error(`${variable} must be 32 bytes; this one decodes to ${bytes.length} bytes: ${HOW_TO_MAKE}`)
  }
  throw new Error(`${variable} must be 32 bytes given as base64 or 64 hex characters: ${HOW_TO_MAKE}`)
}

/** AES-256-GCM with a 12-byte random IV per value. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error(`an AES-256 key is 32 bytes, not ${key.length}`)
  return {
    seal(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      const tag = cipher.getAuthTag()
      return ['v1', iv, tag, ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.')
    },
    open(sealed) {
      const parts = sealed.split('.')
      if (parts.length !== 4 || parts[0] !== 'v1') {
        throw new Error('not a sealed secret: expected v1.<iv>.<tag>.<ciphertext>')
      }
      const [iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'))
      if (iv.length !== 12 || tag.length !== 16) throw new Error('not a sealed secret: bad IV or tag length')
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv)
        decipher.setAuthTag(tag)
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')
      } catch {
        throw new Error(`the sealed secret was altered or sealed with another ${VARIABLE}`)
      }
    },
  }
}
