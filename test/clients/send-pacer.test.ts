import { describe, expect, it } from 'vitest'
import { createSendPacer } from '../../core/clients/send-pacer.js'

describe('send pacer', () => {
  it('lets at most the configured number of sends start per second, however many wait at once', async () => {
    const pacer = createSendPacer(10)
    const started = Date.now()
    const at = await Promise.all(Array.from({ length: 6 }, async () => {
      await pacer.turn()
      return Date.now() - started
    }))
    at.sort((a, b) => a - b)
    // Six sends at ten per second: the n-th starts no sooner than n × 100 ms after the sends began (a timer may fire a little
    // late, never early). Measured from the start, not from the first send's resumption, which a busy machine may delay.
    for (let i = 1; i < at.length; i++) expect(at[i]).toBeGreaterThanOrEqual(i * 100 - 5)
  })

  it('a hold (the provider\'s Retry-After) delays the sends already waiting as well as new ones', async () => {
    const pacer = createSendPacer(Infinity)
    const started = Date.now()
    const waiting = pacer.turn().then(() => Date.now() - started)
    pacer.holdFor(0.3)
    const later = pacer.turn().then(() => Date.now() - started)
    // The first call had its turn at once, before the hold began; the second waits the hold out.
    expect(await waiting).toBeLessThan(100)
    expect(await later).toBeGreaterThanOrEqual(290)
  })
})
