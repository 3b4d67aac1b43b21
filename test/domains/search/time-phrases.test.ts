import { describe, expect, it } from 'vitest'
import { readPeriod } from '../../../core/domains/search/time-phrases.js'

describe('periods named in a question', () => {
  it.each([
    ['customers who had screen cleaning last spring', '2026-11-22', 'last spring', '2026-03-01', '2026-05-31'],
    ['last spring', '2026-04-10', 'last spring', '2025-03-01', '2025-05-31'],
    ['last winter', '2026-11-22', 'last winter', '2025-12-01', '2026-02-28'],
    ['last winter', '2026-01-10', 'last winter', '2024-12-01', '2025-02-28'],
    ['last fall', '2026-11-22', 'last fall', '2025-09-01', '2025-11-30'],
    ['this summer', '2026-11-22', 'this summer', '2026-06-01', '2026-08-31'],
    ['last month', '2026-01-15', 'last month', '2025-12-01', '2025-12-31'],
    ['last year', '2026-11-22', 'last year', '2025-01-01', '2025-12-31'],
    ['this year', '2026-11-22', 'this year', '2026-01-01', '2026-12-31'],
    ['windows in march', '2026-02-01', 'in march', '2025-03-01', '2025-03-31'],
    ['in march 2024', '2026-11-22', 'in march 2024', '2024-03-01', '2024-03-31'],
    ['in february', '2024-11-22', 'in february', '2024-02-01', '2024-02-29'],
    ['since 2025', '2026-11-22', 'since 2025', '2025-01-01', '2026-11-22'],
    ['since march', '2026-11-22', 'since march', '2026-03-01', '2026-11-22'],
    ['in 2024', '2026-11-22', 'in 2024', '2024-01-01', '2024-12-31'],
  ])('%s on %s is %s: %s to %s', (text, today, phrase, from, to) => {
    expect(readPeriod(text, today)).toEqual({ phrase, from, to })
  })

  it('reads nothing from words that only look like months or years', () => {
    expect(readPeriod('jan smith', '2026-11-22')).toBeNull()
    expect(readPeriod('may thornton', '2026-11-22')).toBeNull()
    expect(readPeriod('4210 whitesburg dr', '2026-11-22')).toBeNull()
  })
})
