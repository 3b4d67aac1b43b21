/** Every process's CPU a request (ms) on each side of a write's comparison: the app's, the HTTP floor's and the pg baseline's. */
export interface CpuSums {
  app: number
  floor: number
  baseline: number
}

/**
 * With the cores saturated, requests/s is the cores over what every process spends on a request, so the app reaches
 * `target` of the baseline's rate only while its sum is at most the baseline's over `target`. What that leaves beyond the
 * HTTP floor's sum is the product's room (at or below 0, no server doing more than the floor could reach the target),
 * beside what the app spends there.
 */
export function productRoom(sums: CpuSums, target: number): { allowed: number; spent: number } {
  return { allowed: sums.baseline / target - sums.floor, spent: sums.app - sums.floor }
}
