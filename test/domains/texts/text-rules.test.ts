import { describe, expect, it } from 'vitest'
import { keywordOf } from '../../../core/domains/texts/keywords.js'
import { marketingMayGoAt } from '../../../core/domains/texts/quiet-hours.js'
import { textSize } from '../../../core/domains/texts/segments.js'

describe('the words texting answers by itself', () => {
  it('reads STOP, START and HELP in any case, with spaces and punctuation around them, and nothing inside other words', () => {
    for (const w of ['STOP', 'stop', '  Stop  ', 'StopAll', 'unsubscribe', 'CANCEL', 'end.', 'Quit!']) expect(keywordOf(w), w).toBe('stop')
    for (const w of ['START', ' start ', 'Unstop']) expect(keywordOf(w), w).toBe('start')
    expect(keywordOf(' help ')).toBe('help')
    expect(keywordOf('c')).toBe('confirm')
    expect(keywordOf(' R ')).toBe('reschedule')
    for (const w of ['please stop by at noon', 'Stop the 2pm visit?', 'cancel my visit', 'C you then', ''])
      expect(keywordOf(w), w).toBeNull()
  })
})

describe('segments', () => {
  it('counts GSM-7 texts 160 to one segment and 153 a segment after, an extension character as two', () => {
    expect(textSize('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 })
    expect(textSize('a'.repeat(161)).segments).toBe(2)
    expect(textSize('a'.repeat(306)).segments).toBe(2)
    expect(textSize('a'.repeat(307)).segments).toBe(3)
    expect(textSize(`${'a'.repeat(159)}€`)).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 })
  })

  it('counts any other character as UCS-2: 70 in one segment, 67 a segment after, an emoji as two units', () => {
    expect(textSize(`ł${'a'.repeat(69)}`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 })
    expect(textSize(`ł${'a'.repeat(70)}`).segments).toBe(2)
    expect(textSize(`You’re booked ${'a'.repeat(56)}`).encoding).toBe('UCS-2')
    expect(textSize('🙂').units).toBe(2)
  })
})

describe('quiet hours for marketing texts', () => {
  it("sends between 8:00 and 21:00 in the customer's zone and holds the rest to their next 8:00", () => {
    // 20:30 in New York is 17:30 in Los Angeles: it goes now for both.
    const evening = new Date('2026-06-10T00:30:00Z')
    expect(marketingMayGoAt(evening, 'America/New_York')).toEqual(evening)
    expect(marketingMayGoAt(evening, 'America/Los_Angeles')).toEqual(evening)
    // 21:30 in New York waits to 8:00 the next day there.
    const late = new Date('2026-06-10T01:30:00Z')
    expect(marketingMayGoAt(late, 'America/New_York').toISOString()).toBe('2026-06-10T12:00:00.000Z')
    // 7:59 in Los Angeles waits a minute.
    expect(marketingMayGoAt(new Date('2026-06-10T14:59:00Z'), 'America/Los_Angeles').toISOString()).toBe('2026-06-10T15:00:00.000Z')
  })

  it('finds the next 8:00 across a change of daylight saving time', () => {
    // 23:00 on Saturday 7 March 2026 in New York (EST); clocks spring forward that night, so 8:00 Sunday is 12:00 UTC.
    expect(marketingMayGoAt(new Date('2026-03-08T04:00:00Z'), 'America/New_York').toISOString()).toBe('2026-03-08T12:00:00.000Z')
    // 22:00 on Saturday 31 October 2026 in New York (EDT); clocks fall back that night, so 8:00 Sunday is 13:00 UTC.
    expect(marketingMayGoAt(new Date('2026-11-01T02:00:00Z'), 'America/New_York').toISOString()).toBe('2026-11-01T13:00:00.000Z')
    // 6:00 in London on the last Sunday of March (BST from 1:00): 8:00 is 7:00 UTC.
    expect(marketingMayGoAt(new Date('2026-03-29T05:00:00Z'), 'Europe/London').toISOString()).toBe('2026-03-29T07:00:00.000Z')
  })
})
