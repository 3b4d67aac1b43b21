/** Google's JSON error body for an API status and reason, as its APIs write it. */
export function googleErrorBody(code: number, reason: string, message: string, domain = 'global'): object {
  const status =
    code === 400
      ? 'INVALID_ARGUMENT'
      : code === 401
        ? 'UNAUTHENTICATED'
        : code === 403
          ? 'PERMISSION_DENIED'
          : code === 404
            ? 'NOT_FOUND'
            : code === 409
              ? 'ALREADY_EXISTS'
              : code === 410
                ? 'FAILED_PRECONDITION'
                : code === 429
                  ? 'RESOURCE_EXHAUSTED'
                  : code >= 500
                    ? 'INTERNAL'
                    : 'UNKNOWN'
  return { error: { code, message, errors: [{ message, domain, reason }], status } }
}

/** 401 for a missing, unknown or expired access token. */
export const UNAUTHENTICATED = googleErrorBody(
  401,
  'authError',
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
)

/** 403 for a token without the scope the address needs. */
export const INSUFFICIENT_SCOPES = googleErrorBody(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.')

/** 429 for too many requests. */
export const RATE_LIMITED = googleErrorBody(429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits')

/** 403 for a user's per-minute quota spent. */
export const USER_RATE_LIMITED = googleErrorBody(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'usageLimits')

/** A fault a route throws to answer with a status and Google's error body. */
export class FakeGoogleFault extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
    readonly headers: Record<string, string> = {},
  ) {
    super(`fake Google answered ${status}`)
  }
}
