import { describe, expect, it } from 'vitest'
import { phoneDigits, phoneKey, phoneKeySql, storedPhoneKey, phoneAsWritten } from '../../core/phone.js'
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

describe('a phone number as people write it in the business country', () => {
  it('writes a North American number as (256) 555-0100 for a business in a North American time zone, however it was typed', () => {
    for (const typed of ['+12565550100', '+1 256 555 0100', '1-256-555-0100', '256.555.0100', '(256) 555-0100'])
      expect(phoneAsWritten(typed, 'America/Chicago'), typed).toBe('(256) 555-0100')
    // Any name of the zone, and the rest of the plan: Canada, Puerto Rico.
    expect(phoneAsWritten('+12565550100', 'US/Central')).toBe('(256) 555-0100')
    expect(phoneAsWritten('+14165550100', 'America/Toronto')).toBe('(416) 555-0100')
    expect(phoneAsWritten('+17875550100', 'America/Puerto_Rico')).toBe('(787) 555-0100')
  })

  it('writes a North American number with its country code elsewhere, and leaves every other number as written', () => {
    expect(phoneAsWritten('+12565550100', 'Europe/London')).toBe('+1 256-555-0100')
    expect(phoneAsWritten('020 7946 0958', 'Europe/London')).toBe('020 7946 0958')
    expect(phoneAsWritten('+44 20 7946 0958', 'America/Chicago')).toBe('+44 20 7946 0958')
    expect(phoneAsWritten('98765 43210', 'Asia/Kolkata')).toBe('98765 43210')
    expect(phoneAsWritten('+64 9 123 4567', 'America/Chicago')).toBe('+64 9 123 4567')
    expect(phoneAsWritten('555-0100', 'America/Chicago')).toBe('555-0100')
    expect(phoneAsWritten('', 'America/Chicago')).toBe('')
  })
})
