/**
 * Waits, when the rate-limit window of windowMs now under way ends within marginMs, until the next one has begun. Limits
 * count hits in fixed windows aligned to the epoch (hit_rate_limit), so a test that counts hits up to a limit must not
 * straddle two windows: past the edge, the count starts again and the hit that should be refused is a first one.
 */
export async function awayFromWindowEdge(windowMs: number, marginMs = 15_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs)
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 100))
}
