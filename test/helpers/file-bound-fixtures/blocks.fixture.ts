import { it } from 'vitest'

// Blocks its worker's event loop for good, as a query that never returns would.
it('never returns', () => {
  for (;;) {
    /* spin */
  }
})
