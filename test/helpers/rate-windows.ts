/** The window of the failed-token, sign-in link, link-guess and calendar-feed limits: 15 minutes. */
export const LIMIT_WINDOW_MS = 15 * 60 * 1000

/**
 * Waits, when the rate-limit window of windowMs now under way ends within marginMs, until the next one has begun. Limits
 * count hits in fixed windows aligned to the epoch (hit_rate_limit), so a test that counts hits up to a limit must not
 * straddle two windows: past the edge, the count starts again and the hit that should be refused is a first one.
 */
export async function awayFromWindowEdge(windowMs = LIMIT_WINDOW_MS, marginMs = 15_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs)
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 100))
}
