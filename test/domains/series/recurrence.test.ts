import { describe, expect, it } from 'vitest'
import { AppError } from '../../../core/kernel/errors.js'
import { normalizeRule, occurrenceDates } from '../../../core/domains/series/recurrence.js'

const series = (rule: string, start_date: string, ends_on: string | null = null) => ({
  rule: normalizeRule(rule, 'rule'),
  start_date,
  start_time: '09:00',
  ends_on,
})

describe('recurrence rules', () => {
  it('gives every N weeks from the first day, keeping its weekday', () => {
    expect(occurrenceDates(series('FREQ=WEEKLY;INTERVAL=3', '2026-01-05'), '2026-01-01', '2026-03-01')).toEqual([
      '2026-01-05',
      '2026-01-26',
      '2026-02-16',
    ])
  })

  it('gives every N months and a weekday of the month (2nd Tuesday, last Friday)', () => {
    expect(occurrenceDates(series('FREQ=MONTHLY;INTERVAL=2', '2026-01-31'), '2026-01-01', '2026-09-30')).toEqual([
      '2026-01-31',
      '2026-03-31',
      '2026-05-31',
      '2026-07-31',
    ])
    expect(occurrenceDates(series('FREQ=MONTHLY;BYDAY=2TU', '2026-01-01'), '2026-01-01', '2026-04-30')).toEqual([
      '2026-01-13',
      '2026-02-10',
      '2026-03-10',
      '2026-04-14',
    ])
    expect(occurrenceDates(series('FREQ=MONTHLY;BYDAY=-1FR', '2026-01-01'), '2026-01-01', '2026-03-31')).toEqual([
      '2026-01-30',
      '2026-02-27',
      '2026-03-27',
    ])
  })

  it('keeps a season: a monthly visit from March to October, each year', () => {
    const dates = occurrenceDates(series('FREQ=MONTHLY;BYMONTHDAY=1;BYMONTH=3,4,5,6,7,8,9,10', '2026-01-01'), '2026-01-01', '2027-04-30')
    expect(dates).toEqual([
      '2026-03-01',
      '2026-04-01',
      '2026-05-01',
      '2026-06-01',
      '2026-07-01',
      '2026-08-01',
      '2026-09-01',
      '2026-10-01',
      '2027-03-01',
      '2027-04-01',
    ])
  })

  it('stops the day before ends_on, never starts before the first day, and gives one date a day', () => {
    expect(occurrenceDates(series('FREQ=DAILY', '2026-03-07', '2026-03-10'), '2026-03-01', '2026-03-31')).toEqual([
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
    ])
    expect(occurrenceDates(series('FREQ=WEEKLY', '2026-03-07'), '2026-03-10', '2026-03-09')).toEqual([])
  })

  it('refuses what a series cannot keep, naming the field and saying what is expected', () => {
    for (const [rule, why] of [
      ['FREQ=WEEKLY;COUNT=3', /COUNT is not allowed/],
      ['FREQ=WEEKLY;UNTIL=20261231', /UNTIL is not allowed/],
      ['FREQ=MINUTELY', /FREQ must be/],
      ['FREQ=WEEKLY;FREQ=DAILY', /given twice/],
      ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', /gives no day/],
      ['weekly', /not NAME=VALUE/],
      ['', /is empty/],
    ] as const) {
      let caught: unknown
      try {
        normalizeRule(rule, 'data.rule')
      } catch (err) {
        caught = err
      }
      expect(caught, rule).toBeInstanceOf(AppError)
      expect((caught as AppError).code).toBe('VALIDATION_ERROR')
      expect((caught as AppError).message, rule).toMatch(why)
      expect((caught as AppError).details?.issues).toEqual([expect.objectContaining({ field: 'data.rule' })])
    }
  })
})
