import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isUuid, UUID, UUID_TEXT } from '../../core/kernel/schema-types.js'

describe('the UUID pattern', () => {
  it('takes a whole UUID in either case', () => {
    const id = randomUUID()
    expect(isUuid(id)).toBe(true)
    expect(isUuid(id.toUpperCase())).toBe(true)
    expect(UUID.test('0b7c8f7e-1d2a-4c3b-9e8f-1a2b3c4d5e6f')).toBe(true)
  })

  it('refuses anything else: a part, extra text, a wrong letter, no dashes, a non-string', () => {
    for (const v of [
      '0b7c8f7e-1d2a-4c3b-9e8f-1a2b3c4d5e6',
      '0b7c8f7e-1d2a-4c3b-9e8f-1a2b3c4d5e6f0',
      ' 0b7c8f7e-1d2a-4c3b-9e8f-1a2b3c4d5e6f',
      '0b7c8f7e-1d2a-4c3b-9e8f-1a2b3c4d5e6g',
      '0b7c8f7e1d2a4c3b9e8f1a2b3c4d5e6f',
      "0b7c8f7e-1d2a-4c3b-9e8f-1a2b3c4d5e6f' or 1=1",
      '',
      'new',
    ]) {
      expect(isUuid(v), v).toBe(false)
    }
    expect(isUuid(null)).toBe(false)
    expect(isUuid(42)).toBe(false)
  })

  it('finds every UUID in a text through UUID_TEXT', () => {
    const [a, b] = [randomUUID(), randomUUID()]
    expect([...`/customers/${a}/merge/${b}`.matchAll(new RegExp(UUID_TEXT, 'gi'))].map((m) => m[0])).toEqual([a, b])
  })
})
