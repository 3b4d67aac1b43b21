import { describe, expect, it } from 'vitest'
import { parseAmountCents } from '../../core/money.js'

describe('parseAmountCents, the one rule for amounts as written', () => {
  it('reads dollars and cents however they are typed or exported', () => {
    const cases: [string, number][] = [
      ['150', 15000],
      ['45.5', 4550],
      ['45.50', 4550],
      ['$1,250.00', 125000],
      [' $ 1,250 ', 125000],
      ['0.07', 7],
      ['-3', -300],
      ['-$12.00', -1200],
      ['$-12.00', -1200],
      ['($5.00)', -500],
      ['-0', 0],
    ]
    for (const [text, cents] of cases) expect(parseAmountCents(text), text).toBe(cents)
    expect(Object.is(parseAmountCents('-0.00'), 0)).toBe(true)
  })

  it('refuses what is not an amount: empty, words, three decimals, two signs, an unclosed parenthesis, exponents', () => {
    for (const text of ['', '$', 'abc', '12.345', '1.2.3', '--5', '-$-5', '(-5)', '($5.00', '5)', '1e3', '.50', '12.', '0x10', '$ 5 USD']) {
      expect(parseAmountCents(text), text).toBeNull()
    }
  })

  it('refuses an amount too large to count in whole cents exactly', () => {
    expect(parseAmountCents('90071992547409.91')).toBe(9_007_199_254_740_991)
    expect(parseAmountCents('90071992547409.92')).toBeNull()
  })
})
