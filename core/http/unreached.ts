/** Why a call never got an answer, as the network said it: fetch's own "fetch failed" hides the reason in its cause. */
export function unreachedWhy(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time'
  const cause = error instanceof Error ? (error.cause as { message?: unknown } | undefined) : undefined
  if (typeof cause?.message === 'string' && cause.message) return cause.message
  return error instanceof Error ? error.message : String(error)
}
