import { describe, expect, it } from 'vitest'
import { withoutCountryCode } from '../../../core/vocabulary/phone-query.js'

describe('a phone number typed with the country code', () => {
  it('is looked up by its ten national digits; other words and numbers stay as typed', () => {
    expect(withoutCountryCode('+1 256 555 0142')).toBe('2565550142')
    expect(withoutCountryCode('1-256-555-0142')).toBe('2565550142')
    expect(withoutCountryCode('+1 (256) 555-0142')).toBe('2565550142')
    expect(withoutCountryCode('(256) 555-0142')).toBe('(256) 555-0142')
    expect(withoutCountryCode('+44 20 7946 0958')).toBe('2079460958')
    expect(withoutCountryCode('020 7946 0958', 'GB')).toBe('2079460958')
    expect(withoutCountryCode('22565550142')).toBe('22565550142')
    expect(withoutCountryCode('INV-2026-0001')).toBe('INV-2026-0001')
    expect(withoutCountryCode('1 Oak St')).toBe('1 Oak St')
  })
})
