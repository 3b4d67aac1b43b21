import { describe, expect, it } from 'vitest'
import { decimalAmountCents, parseAmountCents } from '../../core/vocabulary/money.js'

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

describe('decimalAmountCents, a provider amount in cents by the same rule', () => {
  it('reads decimal numbers and texts as sent', () => {
    expect(decimalAmountCents(150.5)).toBe(15050)
    expect(decimalAmountCents('150.50')).toBe(15050)
    expect(decimalAmountCents(0.29)).toBe(29)
    expect(decimalAmountCents(1234567.89)).toBe(123456789)
    expect(decimalAmountCents(' 20 ')).toBe(2000)
    expect(decimalAmountCents(-20)).toBe(-2000)
    expect(decimalAmountCents('-0.5')).toBe(-50)
    expect(decimalAmountCents(0)).toBe(0)
  })

  it('rounds digits past the cents to the nearest cent, half away from zero', () => {
    expect(decimalAmountCents('10.005')).toBe(1001)
    expect(decimalAmountCents('10.0049')).toBe(1000)
    expect(decimalAmountCents('-10.005')).toBe(-1001)
    expect(decimalAmountCents(1e-7)).toBe(0)
  })

  it('is null for what is not an amount', () => {
    for (const bad of ['', 'abc', '1,5', '$5', '1e3', '--1', NaN, Infinity, 1e21, '99999999999999999999'])
      expect(decimalAmountCents(bad), String(bad)).toBeNull()
  })
})
