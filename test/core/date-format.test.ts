import { describe, expect, it } from 'vitest'
import { dateFormat } from '../../core/text/date-format.js'
import { longDate, whenTextWithZone } from '../../core/text/date-words.js'

describe('dateFormat', () => {
  it('keeps one formatter per locale and options, and formats as a new one would', () => {
    const a = dateFormat('en-US', { timeZone: 'America/Chicago', month: 'long', day: 'numeric' })
    expect(dateFormat('en-US', { timeZone: 'America/Chicago', month: 'long', day: 'numeric' })).toBe(a)
    expect(dateFormat('en-US', { timeZone: 'America/New_York', month: 'long', day: 'numeric' })).not.toBe(a)
    expect(dateFormat('en-GB', { timeZone: 'America/Chicago', month: 'long', day: 'numeric' })).not.toBe(a)
    const at = new Date('2026-03-03T15:00:00Z')
    expect(a.format(at)).toBe(new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', month: 'long', day: 'numeric' }).format(at))
  })

  it('refuses a time zone that does not exist every time it is asked, keeping nothing', () => {
    expect(() => dateFormat('en-US', { timeZone: 'Mars/Olympus' })).toThrow(RangeError)
    expect(() => dateFormat('en-US', { timeZone: 'Mars/Olympus' })).toThrow(RangeError)
    expect(() => longDate(new Date(), 'Mars/Olympus')).toThrow(RangeError)
  })

  it('writes dates in words through the kept formatters, zone abbreviation as the clocks then are', () => {
    expect(longDate(new Date('2026-03-03T15:00:00Z'), 'America/Chicago')).toBe('Tuesday, March 3, 2026')
    expect(whenTextWithZone(new Date('2026-07-03T15:00:00Z'), 'America/Chicago')).toBe('Friday, July 3, 2026 at 10:00 AM CDT')
    expect(whenTextWithZone(new Date('2026-01-03T15:00:00Z'), 'America/Chicago')).toBe('Saturday, January 3, 2026 at 9:00 AM CST')
  })
})
