import { describe, expect, it } from 'vitest'
import { dayFromWords, isDayText } from '../../core/text/day-words.js'

describe('day words', () => {
  // 2026-11-02 is a Monday; 2026-11-08 a Sunday.
  it.each([
    ['today', '2026-11-02', '2026-11-02'],
    ['Tomorrow', '2026-11-02', '2026-11-03'],
    ['monday', '2026-11-02', '2026-11-02'],
    ['this Friday', '2026-11-02', '2026-11-06'],
    ['fri', '2026-11-02', '2026-11-06'],
    ['next tuesday', '2026-11-02', '2026-11-10'],
    ['next monday', '2026-11-02', '2026-11-09'],
    ['next sunday', '2026-11-02', '2026-11-15'],
    ['next tuesday', '2026-11-08', '2026-11-10'],
    ['sunday', '2026-11-02', '2026-11-08'],
    ['tuesday', '2026-12-30', '2027-01-05'],
    ['2026-12-01', '2026-11-02', '2026-12-01'],
  ])('"%s" from %s is %s', (words, today, day) => {
    expect(dayFromWords(words, today)).toBe(day)
  })

  it('refuses what is not a day', () => {
    for (const text of ['someday', 'next', 'last friday', '2026-02-30x', '2026-13-01', 'in two days']) {
      expect(dayFromWords(text, '2026-11-02')).toBeNull()
      expect(isDayText(text)).toBe(false)
    }
  })
})
