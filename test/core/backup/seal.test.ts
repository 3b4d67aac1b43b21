import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ArchiveError, openStream, sealStream } from '../../../core/backup/seal.js'

const seal = (key: Buffer, plain: Buffer) => buffer(Readable.from([plain]).pipe(sealStream(key, 'all', new Date('2026-11-25T02:30:00Z'))))
const open = (key: Buffer, sealed: Buffer) => buffer(Readable.from([sealed]).pipe(openStream(key)))
const reasonOf = async (p: Promise<unknown>) => {
  try {
    await p
    return 'opened'
  } catch (err) {
    return err instanceof ArchiveError ? err.reason : `other: ${(err as Error).message}`
  }
}

describe('a sealed archive', () => {
  const key = randomBytes(32)
  // Three and a half parts of a megabyte, so cutting and reordering whole parts is tried too.
  const plain = Buffer.concat([Buffer.from('Jane Smith, gate code 4417, 12 Elm St\n'), randomBytes(3.5 * 1024 * 1024)])

  it('opens with its key to exactly what was sealed', async () => {
    expect((await open(key, await seal(key, plain))).equals(plain)).toBe(true)
    expect((await open(key, await seal(key, Buffer.alloc(0)))).length).toBe(0)
  })

  it('shows nothing of a customer, compressed or not', async () => {
    const words = Buffer.from('Jane Smith, gate code 4417, 12 Elm St\n'.repeat(2000))
    for (const body of [words, gzipSync(words)]) {
      const sealed = await seal(key, body)
      expect(sealed.includes(Buffer.from('Jane Smith'))).toBe(false)
      expect(sealed.includes(Buffer.from('4417'))).toBe(false)
      // Not a gzip stream anywhere a reader would look for one.
      expect(sealed.includes(Buffer.from([0x1f, 0x8b, 0x08]))).toBe(false)
    }
  })

  it('tells a wrong key apart from damage, and damage from a cut', async () => {
    const sealed = await seal(key, plain)
    expect(await reasonOf(open(randomBytes(32), sealed))).toBe('wrong_key')
    const changed = Buffer.from(sealed)
    changed[Math.floor(sealed.length / 2)] ^= 1
    expect(await reasonOf(open(key, changed))).toBe('damaged')
    for (const at of [3, 20, 200, 1024 * 1024 + 300, sealed.length - 1]) {
      expect([at, await reasonOf(open(key, sealed.subarray(0, at)))]).toEqual([at, 'truncated'])
    }
    expect(await reasonOf(open(key, Buffer.from('not an archive at all')))).toBe('not_an_archive')
  })

  it('cannot lose its last parts without saying so, even cut at a part boundary', async () => {
    const sealed = await seal(key, plain)
    // Find the boundary after the first part (magic, header, then 5-byte part heads) and cut there.
    const headerLength = sealed.readUInt32BE(8)
    const firstPart = 12 + headerLength
    const partLength = sealed.readUInt32BE(firstPart + 1)
    expect(await reasonOf(open(key, sealed.subarray(0, firstPart + 5 + partLength)))).toBe('truncated')
  })

  it('each archive has a key of its own: the same bytes seal differently twice', async () => {
    const a = await seal(key, plain.subarray(0, 1000))
    const b = await seal(key, plain.subarray(0, 1000))
    expect(a.equals(b)).toBe(false)
  })
})
