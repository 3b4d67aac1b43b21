import { describe, expect, it } from 'vitest'
import { QuickBooksError } from '../../../core/domains/quickbooks/client/quickbooks.js'
import { amountOf, centsOf } from '../../../core/domains/quickbooks/sync/sync-run.js'

describe("QuickBooks' amounts in cents", () => {
  it('read as the product reads every amount, back and forth', () => {
    expect(centsOf(150.5)).toBe(15050)
    expect(centsOf('0.29')).toBe(29)
    expect(centsOf(amountOf(123456789))).toBe(123456789)
  })

  it('refuse, naming what came, an amount that is none, instead of a NaN that would be compared or stored', () => {
    for (const bad of [undefined, null, 'abc', {}, Number.NaN]) {
      const err = (() => {
        try {
          centsOf(bad)
        } catch (e) {
          return e
        }
      })()
      expect(err, String(bad)).toBeInstanceOf(QuickBooksError)
      expect((err as QuickBooksError).message).toMatch(/QuickBooks sent an amount that is not one/)
    }
  })
})
