/** A failure Google (or the way to it) answered, in Google's own words. */
export class GoogleError extends Error {
  /** The HTTP status, 0 when no answer came. */
  status: number
  /**
   * Google's reason ('rateLimitExceeded', 'fullSyncRequired', 'notFound', 'duplicate'), an OAuth error ('invalid_grant'),
   * or 'network', 'timeout', 'http_<status>'.
   */
  reason: string
  /** True when the same request may succeed later (throttled, a server error, the network); false when it must change. */
  retryable: boolean

  constructor(init: { message: string; status: number; reason: string; retryable: boolean }) {
    super(init.message)
    this.name = 'GoogleError'
    this.status = init.status
    this.reason = init.reason
    this.retryable = init.retryable
  }

  /** A sync token or start point Google no longer knows: the reader starts over with a full read. */
  get needsFullSync(): boolean {
    return this.status === 410 || this.reason === 'fullSyncRequired' || this.reason === 'EXPIRED_SYNC_TOKEN'
  }
}

/** The reasons of a 403 or 429 that mean "slow down", which are worth waiting for. */
export const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'RATE_LIMIT_EXCEEDED'])

/** Google's JSON error body: {error: {code, message, status, errors: [{reason, domain, message}]}}. */
export function googleErrorFrom(status: number, body: unknown, text: string): GoogleError {
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined
  if (error && typeof error === 'object') {
    const e = error as { message?: string; status?: string; errors?: Array<{ reason?: string }>; details?: Array<{ reason?: string }> }
    const reason = e.errors?.[0]?.reason ?? e.details?.find((d) => d.reason)?.reason ?? e.status ?? `http_${status}`
    return new GoogleError({
      message: `Google answered ${status}: ${e.message ?? reason}`,
      status,
      reason,
      retryable: status >= 500 || status === 429 || (status === 403 && RATE_REASONS.has(reason)),
    })
  }
  if (typeof error === 'string') {
    // OAuth endpoints answer {error: 'invalid_grant', error_description: '...'}.
    const description = (body as { error_description?: string }).error_description
    return new GoogleError({
      message: description ? `${error}: ${description}` : error,
      status,
      reason: error,
      retryable: status >= 500,
    })
  }
  return new GoogleError({
    message: `Google answered HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`,
    status,
    reason: `http_${status}`,
    retryable: status >= 500 || status === 429,
  })
}
