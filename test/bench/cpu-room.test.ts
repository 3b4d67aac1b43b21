import { describe, expect, it } from 'vitest'
import { productRoom } from '../../bench/cpu-room.js'

describe("the product's room at a ratio", () => {
  it('is the baseline over the target less the floor, beside what the app spends beyond the floor', () => {
    // A booking on a quiet night: the baseline 2.92 ms of every process's CPU, the floor 3.29, the app 4.24.
    const room = productRoom({ app: 4.24, floor: 3.29, baseline: 2.92 }, 0.8)
    expect(room.allowed).toBeCloseTo(0.36, 2)
    expect(room.spent).toBeCloseTo(0.95, 2)
  })

  it('is below 0 when the floor alone costs more than the target allows', () => {
    expect(productRoom({ app: 9.74, floor: 9.36, baseline: 7.1 }, 0.8).allowed).toBeCloseTo(-0.485, 3)
  })

  it('holds the spending exactly when the sums allow the target', () => {
    for (const app of [3.5, 3.65, 3.8]) {
      const sums = { app, floor: 3.29, baseline: 2.92 }
      const room = productRoom(sums, 0.8)
      expect(room.spent <= room.allowed + 1e-12).toBe(sums.baseline / sums.app >= 0.8 - 1e-12)
    }
  })
})
