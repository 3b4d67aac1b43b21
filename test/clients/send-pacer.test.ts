import { describe, expect, it, vi } from 'vitest'
import { createSendPacer } from '../../core/clients/send-pacer.js'

describe('send pacer', () => {
  it('lets at most the configured number of sends start per second, however many wait at once', async () => {
    const pacer = createSendPacer(10)
    const started = Date.now()
    const at = await Promise.all(
      Array.from({ length: 6 }, async () => {
        await pacer.turn()
        return Date.now() - started
      }),
    )
    at.sort((a, b) => a - b)
    // Six sends at ten per second: the n-th starts no sooner than n × 100 ms after the sends began (a timer may fire a little
    // late, never early). Measured from the start, not from the first send's resumption, which a busy machine may delay.
    for (let i = 1; i < at.length; i++) expect(at[i]).toBeGreaterThanOrEqual(i * 100 - 5)
  })

  it("a hold (the provider's Retry-After) delays the sends already waiting as well as new ones", async () => {
    const pacer = createSendPacer(Infinity)
    const started = Date.now()
    const waiting = pacer.turn().then(() => Date.now() - started)
    pacer.holdFor(0.3)
    const later = pacer.turn().then(() => Date.now() - started)
    // The first call had its turn at once, before the hold began; the second waits the hold out.
    expect(await waiting).toBeLessThan(100)
    expect(await later).toBeGreaterThanOrEqual(290)
  })

  it('at 2 a second, a third call waits until a second after the provider answered the first, however late that answer came', async () => {
    vi.useFakeTimers({ now: 0 })
    try {
      const pacer = createSendPacer(2)
      const first = await pacer.turn()
      expect(first.startedAt.getTime()).toBe(0)
      // Turns are offered 525 ms apart (a second and 50 ms for every two).
      const second = pacer.turn()
      await vi.advanceTimersByTimeAsync(525)
      expect((await second).startedAt.getTime()).toBe(525)
      // The provider answers the first call only at 825 ms; the second is still out.
      await vi.advanceTimersByTimeAsync(300)
      await first.done()
      const third = pacer.turn()
      await vi.advanceTimersByTimeAsync(999)
      let started: number | null = null
      void third.then((turn) => (started = turn.startedAt.getTime()))
      await vi.advanceTimersByTimeAsync(0)
      expect(started).toBeNull()
      await vi.advanceTimersByTimeAsync(1)
      expect((await third).startedAt.getTime()).toBe(1825)
    } finally {
      vi.useRealTimers()
    }
  })
})
