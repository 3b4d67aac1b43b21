import { describe, expect, it } from 'vitest'
import { AppError } from '../../core/kernel/errors.js'
import { subtotalCents } from '../../core/vocabulary/line-items.js'
import { MAX_CENTS } from '../../core/vocabulary/money.js'

describe('subtotalCents, the sum of line prices', () => {
  it('adds quantity times unit price over the lines, and nothing for no lines', () => {
    expect(
      subtotalCents(
        [
          { quantity: 2, unit_price_cents: 4550 },
          { quantity: 1, unit_price_cents: 1000 },
        ],
        'data.lines',
      ),
    ).toBe(10100)
    expect(subtotalCents([], 'data.lines')).toBe(0)
  })

  it('refuses, naming the line, a line price too large, and naming the field, a sum too large to store', () => {
    const fieldOf = (lines: { quantity: number; unit_price_cents: number }[]) => {
      try {
        subtotalCents(lines, 'data.services')
      } catch (e) {
        expect(e).toBeInstanceOf(AppError)
        return (((e as AppError).details?.issues ?? []) as { field: string }[]).map((d) => d.field)
      }
      return 'accepted'
    }
    expect(
      fieldOf([
        { quantity: 1, unit_price_cents: 5 },
        { quantity: 2, unit_price_cents: MAX_CENTS },
      ]),
    ).toEqual(['data.services.1'])
    expect(
      fieldOf([
        { quantity: 1, unit_price_cents: MAX_CENTS },
        { quantity: 1, unit_price_cents: 1 },
      ]),
    ).toEqual(['data.services'])
    expect(fieldOf([{ quantity: 1, unit_price_cents: MAX_CENTS }])).toBe('accepted')
  })
})
