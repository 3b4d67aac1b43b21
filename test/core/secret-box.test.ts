import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { secretBoxFromEnv } from '../../core/kernel/secret-box.js'

const base64Key = randomBytes(32).toString('base64')

describe('secret box (CRM_ENCRYPTION_KEY)', () => {
  it('is off when the variable is unset or empty', () => {
    expect(secretBoxFromEnv({})).toBeNull()
    expect(secretBoxFromEnv({ CRM_ENCRYPTION_KEY: '' })).toBeNull()
  })

  it('seals to a versioned text that does not contain the secret, differently each time, and opens it again', () => {
    const box = secretBoxFromEnv({ CRM_ENCRYPTION_KEY: base64Key })
    const secret = 'refresh-token-AB11 with ünïcode'
    const sealed = box?.seal(secret) ?? ''
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/)
    expect(sealed).not.toContain('refresh')
    expect(box?.seal(secret)).not.toBe(sealed)
    expect(box?.open(sealed)).toBe(secret)
  })

  it('accepts the key as 64 hex characters too', () => {
    const bytes = randomBytes(32)
    const hexBox = secretBoxFromEnv({ CRM_ENCRYPTION_KEY: bytes.toString('hex') })
    const base64Box = secretBoxFromEnv({ CRM_ENCRYPTION_KEY: bytes.toString('base64') })
    expect(base64Box?.open(hexBox?.seal('same key') ?? '')).toBe('same key')
  })

  it('refuses a value that was altered', () => {
    const box = secretBoxFromEnv({ CRM_ENCRYPTION_KEY: base64Key })
    const sealed = box?.seal('the access token') ?? ''
    const [version, iv, tag, ciphertext] = sealed.split('.')
    const flipped = Buffer.from(ciphertext, 'base64url')
    flipped[0] ^= 1
    expect(() => box?.open([version, iv, tag, flipped.toString('base64url')].join('.'))).toThrow(
      /altered or sealed with another CRM_ENCRYPTION_KEY/,
    )
    expect(() => box?.open([version, iv, Buffer.alloc(16).toString('base64url'), ciphertext].join('.'))).toThrow(/altered/)
    expect(() => box?.open('plain text token')).toThrow(/not a sealed secret/)
    expect(() => box?.open(`v2.${iv}.${tag}.${ciphertext}`)).toThrow(/not a sealed secret/)
  })

  it('cannot open what another key sealed', () => {
    const sealed = secretBoxFromEnv({ CRM_ENCRYPTION_KEY: base64Key })?.seal('secret') ?? ''
    const other = secretBoxFromEnv({ CRM_ENCRYPTION_KEY: randomBytes(32).toString('base64') })
    expect(() => other?.open(sealed)).toThrow(/sealed with another CRM_ENCRYPTION_KEY/)
  })

  it('names the variable and how to make a key when the key is not 32 bytes', () => {
    for (const bad of ['short', randomBytes(16).toString('base64'), 'ab'.repeat(31), 'not base64 at all!']) {
      expect(() => secretBoxFromEnv({ CRM_ENCRYPTION_KEY: bad })).toThrow(/CRM_ENCRYPTION_KEY.*openssl rand -base64 32/)
    }
  })
})
