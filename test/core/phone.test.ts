import { describe, expect, it } from 'vitest'
import { phoneDigits, phoneKey, phoneKeySql, storedPhoneKey } from '../../core/phone.js'
import { emptyDatabasesOfFile } from '../helpers/empty-database.js'

const cases: [written: string, key: string][] = [
  ['(256) 555-0142', '2565550142'],
  ['+1 256.555.0142', '2565550142'],
  ['1-256-555-0142', '2565550142'],
  ['+1 (256) 555 0142', '2565550142'],
  ['12565550142', '2565550142'],
  ['+44 20 7946 0958', '442079460958'],
  ['22565550142', '22565550142'],
  ['555-0142', '5550142'],
  ['1 555 0142', '15550142'],
  ['+1 555', '1555'],
  ['', ''],
]

describe('the digits that identify a phone number', () => {
  it.each(cases)('%j is %j: a North American number is the same with or without its country code 1', (written, key) => {
    expect(phoneKey(written)).toBe(key)
  })

  it('keeps every digit for a partial search, and the last ten for the stored contact key', () => {
    expect(phoneDigits('+1 (256) 555-0142')).toBe('12565550142')
    expect(storedPhoneKey('+1 (256) 555-0142')).toBe('2565550142')
    expect(storedPhoneKey('+44 20 7946 0958')).toBe('2079460958')
    expect(storedPhoneKey('555-0142')).toBe('5550142')
  })

  describe('in SQL', () => {
    const emptyDatabase = emptyDatabasesOfFile()

    it('gives the same key as in TypeScript for every case', async () => {
      const db = await emptyDatabase('pglite')
      const values = cases.map(([written]) => written)
      const r = await db.query<{ written: string; key: string }>(
        `select v as written, ${phoneKeySql('v')} as key from unnest($1::text[]) v`,
        [values],
      )
      expect(r.rows.map((row) => [row.written, row.key])).toEqual(cases)
    })
  })
})
