import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../core/vocabulary/money.js'
import { taxRateWords, taxRows } from '../../core/text/tax-words.js'

const money = (cents: number) => formatMoney(cents, 'USD')
const line = (price_cents: number, tax_rate_bp: number, tax_cents: number) => ({ price_cents, tax_rate_bp, tax_cents })

describe('the tax rows a customer reads', () => {
  it('writes a rate as people do: 8%, 8.25%, 8.5%', () => {
    expect([0, 800, 825, 850, 925, 1].map(taxRateWords)).toEqual(['0%', '8%', '8.25%', '8.5%', '9.25%', '0.01%'])
  })

  it('gives one row with the rate when every line has it', () => {
    expect(taxRows([line(20_000, 800, 1600), line(5_000, 800, 400)], 2000, money)).toEqual([{ label: 'Tax (8%)', cents: 2000 }])
    expect(taxRows([line(20_000, 0, 0)], 0, money)).toEqual([{ label: 'Tax (0%)', cents: 0 }])
    expect(taxRows([], 0, money)).toEqual([{ label: 'Tax', cents: 0 }])
  })

  it('gives a row per rate that taxes something, saying on what, when lines differ; the rows add up to the tax', () => {
    const lines = [line(20_000, 800, 1600), line(10_000, 925, 925), line(3_000, 800, 240), line(2_000, 0, 0)]
    expect(taxRows(lines, 2765, money)).toEqual([
      { label: 'Tax (8% on $230.00)', cents: 1840 },
      { label: 'Tax (9.25% on $100.00)', cents: 925 },
    ])
    expect(taxRows([line(20_000, 0, 0), line(10_000, 825, 825)], 825, money)).toEqual([{ label: 'Tax (8.25% on $100.00)', cents: 825 }])
  })

  it('says the rates differ by line, with the tax charged, when the lines do not carry tax that adds up to it', () => {
    expect(taxRows([line(20_000, 800, 0), line(10_000, 925, 0)], 2525, money)).toEqual([
      { label: 'Tax (rates differ by line)', cents: 2525 },
    ])
  })
})
