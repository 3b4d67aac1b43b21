import { afterEach, expect, it, vi } from 'vitest'
import { awayFromWindowEdge, LIMIT_WINDOW_MS } from './rate-windows.js'

afterEach(() => {
  vi.useRealTimers()
})

it('waits out the last seconds of a limit window, and not at all in the middle of one', async () => {
  vi.useFakeTimers()
  vi.setSystemTime(LIMIT_WINDOW_MS * 1000 - 5_000)
  let done = false
  const waiting = awayFromWindowEdge().then(() => {
    done = true
  })
  await vi.advanceTimersByTimeAsync(4_000)
  expect(done).toBe(false)
  await vi.advanceTimersByTimeAsync(1_200)
  await waiting
  expect(done).toBe(true)
  expect(Date.now() % LIMIT_WINDOW_MS).toBeLessThan(1_000)

  vi.setSystemTime(LIMIT_WINDOW_MS * 1000 + 60_000)
  let middle = false
  const inMiddle = awayFromWindowEdge().then(() => {
    middle = true
  })
  await vi.advanceTimersByTimeAsync(0)
  await inMiddle
  expect(middle).toBe(true)
  expect(Date.now()).toBe(LIMIT_WINDOW_MS * 1000 + 60_000)
})
