import { expect, it } from 'vitest'

// Longer in total than the demonstration's 3 s bound, but each test finishes well within it.
it.each([1, 2, 3, 4])('slow step %i', async (step) => {
  await new Promise((r) => setTimeout(r, 1500))
  expect(step).toBeGreaterThan(0)
})
