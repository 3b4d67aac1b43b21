import { describe, expect, it } from 'vitest'
import { businessCountry } from '../../core/vocabulary/business-country.js'
import { phoneAsWritten, phoneDigits, phoneKey, phoneSearchDigits, primaryPhoneKey } from '../../core/vocabulary/phone.js'

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

  it("keeps every digit for a partial search, and the primary phone's key for the stored contact key", () => {
    expect(phoneDigits('+1 (256) 555-0142')).toBe('12565550142')
    expect(primaryPhoneKey([{ value: '+1 (256) 555-0142' }], 'US')).toBe('2565550142')
    expect(primaryPhoneKey([{ value: '555-0100' }, { value: '+44 20 7946 0958', primary: true }], 'US')).toBe('442079460958')
    expect(primaryPhoneKey([{ value: '555-0142' }], 'US')).toBe('5550142')
    expect(primaryPhoneKey([], 'US')).toBeNull()
  })
})

describe("a phone number read by its country's rules", () => {
  const same: [country: 'GB' | 'DE' | 'MX', national: string, international: string, key: string][] = [
    ['GB', '020 7946 0958', '+44 20 7946 0958', '442079460958'],
    ['GB', '07700 900123', '+44 7700 900123', '447700900123'],
    ['DE', '030 1234567', '+49 30 1234567', '49301234567'],
    ['DE', '(0151) 2345 6789', '+49 151 23456789', '4915123456789'],
    ['MX', '55 1234 5678', '+52 55 1234 5678', '525512345678'],
  ]
  it.each(same)('in %s, %j and %j are the same number', (country, national, international, key) => {
    expect(phoneKey(national, country)).toBe(key)
    expect(phoneKey(international, country)).toBe(key)
    // Written with its code, a number is the same one wherever the business is.
    expect(phoneKey(international, 'US')).toBe(key)
    expect(phoneKey(international.replace('+', '00'), country)).toBe(key)
  })

  it("tells apart two countries' numbers written with the same digits", () => {
    expect(phoneKey('020 7946 0958', 'GB')).not.toBe(phoneKey('020 7946 0958', 'DE'))
    expect(phoneKey('+44 20 7946 0958', 'GB')).not.toBe(phoneKey('+49 20 7946 0958', 'GB'))
    expect(phoneKey('55 1234 5678', 'MX')).not.toBe(phoneKey('(551) 234-5678', 'US'))
    // A business elsewhere reads a North American number without +1 as one of its own country.
    expect(phoneKey('(256) 555-0142', 'GB')).toBe('442565550142')
  })

  it('searches by the national number, found inside every way of writing it', () => {
    expect(phoneSearchDigits('+44 20 7946 0958', 'GB')).toBe('2079460958')
    expect(phoneSearchDigits('020 7946 0958', 'GB')).toBe('2079460958')
    expect(phoneSearchDigits('+1 256 555 0142', 'US')).toBe('2565550142')
    expect(phoneSearchDigits('555-0142', 'US')).toBe('5550142')
  })

  it("tells the business's country from its time zone, any of its names", () => {
    expect(businessCountry('America/Chicago')).toBe('US')
    expect(businessCountry('US/Central')).toBe('US')
    expect(businessCountry('Europe/London')).toBe('GB')
    expect(businessCountry('Europe/Berlin')).toBe('DE')
    expect(businessCountry('America/Mexico_City')).toBe('MX')
    expect(businessCountry('UTC')).toBeUndefined()
    expect(businessCountry('Not/AZone')).toBeUndefined()
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

  it("writes a North American number with its country code elsewhere, a number of the business's country as it writes it, and any other as written", () => {
    expect(phoneAsWritten('+12565550100', 'Europe/London')).toBe('+1 256 555 0100')
    expect(phoneAsWritten('+44 20 7946 0958', 'Europe/London')).toBe('020 7946 0958')
    expect(phoneAsWritten('+49 30 1234567', 'Europe/Berlin')).toBe('030 1234567')
    expect(phoneAsWritten('+525512345678', 'America/Mexico_City')).toBe('55 1234 5678')
    expect(phoneAsWritten('030 1234567', 'Europe/Berlin')).toBe('030 1234567')
    expect(phoneAsWritten('020 7946 0958', 'Europe/London')).toBe('020 7946 0958')
    expect(phoneAsWritten('+44 20 7946 0958', 'America/Chicago')).toBe('+44 20 7946 0958')
    expect(phoneAsWritten('98765 43210', 'Asia/Kolkata')).toBe('098765 43210')
    expect(phoneAsWritten('+64 9 123 4567', 'America/Chicago')).toBe('+64 9 123 4567')
    expect(phoneAsWritten('555-0100', 'America/Chicago')).toBe('555-0100')
    expect(phoneAsWritten('', 'America/Chicago')).toBe('')
  })
})
