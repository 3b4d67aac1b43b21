import { describe, expect, it } from 'vitest'
import { AppError } from '../../../core/kernel/errors.js'
import { invoiceTotals, lineTaxCents, MAX_CENTS } from '../../../core/vocabulary/money.js'

describe('the tax rounding rule', () => {
  it("rounds each line's tax half up to a whole cent", () => {
    expect(lineTaxCents(1050, 500)).toBe(53) // 52.5 -> 53
    expect(lineTaxCents(1049, 500)).toBe(52) // 52.45 -> 52
    expect(lineTaxCents(1, 5000)).toBe(1) // 0.5 -> 1
    expect(lineTaxCents(1, 4999)).toBe(0) // 0.4999 -> 0
    expect(lineTaxCents(18999, 825)).toBe(1567) // 1567.4175
    expect(lineTaxCents(19000, 825)).toBe(1568) // 1567.5 -> 1568
  })

  it('charges nothing at 0 % and the whole price at 100 %', () => {
    expect(lineTaxCents(123_456, 0)).toBe(0)
    expect(lineTaxCents(123_456, 10_000)).toBe(123_456)
    expect(lineTaxCents(0, 825)).toBe(0)
  })

  it('stays exact on amounts where floating point would not', () => {
    // Integer arithmetic throughout: 2_000_000_005 * 1 bp = 200000.0005 cents -> 200000
    expect(lineTaxCents(2_000_000_005, 1)).toBe(200_000)
    expect(lineTaxCents(2_147_483_647, 10_000)).toBe(2_147_483_647)
    expect(lineTaxCents(15, 3333)).toBe(5) // 4.9995 -> 5
  })

  it('takes back from a negative line exactly the tax the same positive line adds', () => {
    expect(lineTaxCents(-1050, 500)).toBe(-53) // -52.5 -> -53
    expect(lineTaxCents(-1049, 500)).toBe(-52) // -52.45 -> -52
    expect(lineTaxCents(-1, 5000)).toBe(-1) // -0.5 -> -1
    expect(lineTaxCents(-1, 825)).toBe(0)
    expect(lineTaxCents(-19000, 825)).toBe(-1568)
    for (const price of [1, 15, 1049, 1050, 18_999, 19_000, 123_457]) {
      expect(lineTaxCents(-price, 825) + lineTaxCents(price, 825)).toBe(0)
    }
  })

  it('refuses prices and rates outside the rule', () => {
    expect(() => lineTaxCents(1.5, 825)).toThrow(RangeError)
    expect(() => lineTaxCents(100, 10_001)).toThrow(RangeError)
  })
})

describe('invoice totals', () => {
  it('sums prices and per-line taxes: total = subtotal + tax', () => {
    const t = invoiceTotals([
      { quantity: 12, unit_price_cents: 500, tax_rate_bp: 825 },
      { quantity: 1, unit_price_cents: 18_999, tax_rate_bp: 825 },
      { quantity: 1, unit_price_cents: 2500, tax_rate_bp: 0 },
    ])
    expect(t).toEqual({
      lines: [
        { price_cents: 6000, tax_cents: 495 },
        { price_cents: 18_999, tax_cents: 1567 },
        { price_cents: 2500, tax_cents: 0 },
      ],
      subtotal_cents: 27_499,
      tax_cents: 2062,
      total_cents: 29_561,
    })
  })

  it('taxes many small lines one by one, which can differ from taxing the subtotal', () => {
    const hundredCents = Array.from({ length: 100 }, () => ({ quantity: 1, unit_price_cents: 1, tax_rate_bp: 825 }))
    const t = invoiceTotals(hundredCents)
    expect(t.subtotal_cents).toBe(100)
    expect(t.tax_cents).toBe(0) // each 0.0825 cents rounds to 0, where 100 * 8.25 % would be 8
    const halves = invoiceTotals(Array.from({ length: 7 }, () => ({ quantity: 1, unit_price_cents: 10, tax_rate_bp: 500 })))
    expect(halves.tax_cents).toBe(7) // each 0.5 cent rounds up: 7 cents, where 70 * 5 % would be 3.5 -> 4
    expect(halves.total_cents).toBe(77)
  })

  it('refuses amounts a cents column cannot hold, naming the line', () => {
    try {
      invoiceTotals([
        { quantity: 1, unit_price_cents: 1, tax_rate_bp: 0 },
        { quantity: 100_000, unit_price_cents: 100_000_000, tax_rate_bp: 0 },
      ])
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).details?.issues).toEqual([
        { field: 'data.line_items.1', message: expect.stringContaining(String(MAX_CENTS)) },
      ])
    }
    expect(() => invoiceTotals([{ quantity: 1, unit_price_cents: MAX_CENTS, tax_rate_bp: 825 }])).toThrow(/total/)
  })
})
