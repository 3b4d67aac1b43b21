import { expect, it } from 'vitest'

it('passes while the other file is stuck', async () => {
  await new Promise((r) => setImmediate(r))
  expect(1 + 1).toBe(2)
})
