import { Decrypter, Encrypter, Stanza } from 'age-encryption'
import { describe, expect, it } from 'vitest'
import { scryptIdentity, scryptRecipient } from '../../../core/backup/age-scrypt.js'

// The passphrase stanza with Node's scrypt must be the age library's, byte for byte: an archive sealed either way opens the
// other way (and with `age -d`: archive-formats.test.ts), and a header age refuses is refused.

const PASSPHRASE = 'bm90IGEgcmVhbCBrZXkgYnV0IDMyIGJ5dGVzIGxvbmcu'
const TEXT = 'tables/contacts/000001.jsonl'

async function sealedByUs(passphrase: string, logN = 14): Promise<Uint8Array> {
  const e = new Encrypter()
  e.addRecipient(scryptRecipient(passphrase, logN))
  return e.encrypt(TEXT)
}

async function sealedByTheLibrary(passphrase: string): Promise<Uint8Array> {
  const e = new Encrypter()
  e.setPassphrase(passphrase)
  e.setScryptWorkFactor(14)
  return e.encrypt(TEXT)
}

/** The header's scrypt stanza of a sealed file: its salt argument and its body, to tamper with one at a time. */
function stanzaOf(sealed: Uint8Array): Stanza {
  const line = Buffer.from(sealed).toString('latin1').split('\n')
  const args = line[1].split(' ').slice(1)
  return new Stanza(args, Buffer.from(line[2], 'base64'))
}

describe("age's passphrase stanza, derived with Node's scrypt", () => {
  it('seals what the age library opens with the passphrase, and opens what it sealed', async () => {
    const ours = await sealedByUs(PASSPHRASE)
    expect(Buffer.from(ours).subarray(0, 22).toString()).toBe('age-encryption.org/v1\n')
    expect(Buffer.from(ours).toString('latin1').split('\n')[1]).toMatch(/^-> scrypt [A-Za-z0-9+/]{22} 14$/)
    const library = new Decrypter()
    library.addPassphrase(PASSPHRASE)
    expect(await library.decrypt(ours, 'text')).toBe(TEXT)

    const mine = new Decrypter()
    mine.addIdentity(scryptIdentity(PASSPHRASE))
    expect(await mine.decrypt(await sealedByTheLibrary(PASSPHRASE), 'text')).toBe(TEXT)
  })

  it('does not open a file sealed under another passphrase', async () => {
    const other = new Decrypter()
    other.addIdentity(scryptIdentity(`${PASSPHRASE}x`))
    await expect(other.decrypt(await sealedByUs(PASSPHRASE), 'text')).rejects.toThrow(/no identity matched/)
    expect(await scryptIdentity(`${PASSPHRASE}x`).unwrapFileKey([stanzaOf(await sealedByUs(PASSPHRASE))])).toBeNull()
  })

  it('refuses the headers age refuses: a padded or short salt, a work factor over 20, a second stanza, a body of the wrong size', async () => {
    const good = stanzaOf(await sealedByUs(PASSPHRASE))
    const [, salt, logN] = good.args
    const identity = scryptIdentity(PASSPHRASE)
    expect(await identity.unwrapFileKey([good])).toHaveLength(16)
    const refused = [
      [new Stanza(['scrypt', `${salt}==`, logN], good.body)],
      [new Stanza(['scrypt', salt.slice(0, 20), logN], good.body)],
      [new Stanza(['scrypt', salt, '21'], good.body)],
      [new Stanza(['scrypt', salt, '014'], good.body)],
      [new Stanza(['scrypt', salt], good.body)],
      [new Stanza(['scrypt', salt, logN], good.body.subarray(0, 31))],
      [good, new Stanza(['X25519', salt], good.body)],
    ]
    for (const stanzas of refused)
      await expect(identity.unwrapFileKey(stanzas), stanzas[0].args.join(' ')).rejects.toThrow(/invalid|work factor|only one/)
  })
})
