/** The stable error codes of the API envelope and the HTTP status each one carries. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IMMUTABLE: 409,
  REASONING_REQUIRED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const

/** One of the envelope's error codes. */
export type ErrorCode = keyof typeof ERROR_STATUS

/** One problem with one input field: where it is and what was expected. */
export interface FieldIssue {
  field: string
  message: string
}

/** The only error type the product throws on purpose; everything else becomes INTERNAL. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly details?: Record<string, unknown>

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, status?: number) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.status = status ?? ERROR_STATUS[code]
    this.details = details
  }
}

/** Bad input, naming each field and what was expected. */
export function validationError(issues: FieldIssue[], status?: number): AppError {
  const text = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ')
  return new AppError('VALIDATION_ERROR', text || 'Invalid input', { issues }, status)
}

/** A record that does not exist for this tenant. */
export function notFound(entity: string, id: string): AppError {
  return new AppError('NOT_FOUND', `No ${entity} with id ${id}`, { entity, id })
}

/** Seconds a client is asked to wait (Retry-After) before trying again when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 2

/** The database cannot be reached or did not answer in time: nothing about the request was wrong. */
export class DatabaseUnavailableError extends AppError {
  /** What the connection said, for the operator's log; never sent to callers. */
  readonly reason: string | null

  constructor(message: string, reason: string | null = null) {
    super('UNAVAILABLE', message, { retry_after_seconds: DATABASE_RETRY_AFTER_SECONDS })
    this.name = 'DatabaseUnavailableError'
    this.reason = reason
  }
}

/** The database cannot be reached or did not answer in time; the answer carries when to try again. */
export function databaseUnavailable(
  message = 'The database is unavailable; try again shortly',
  reason: string | null = null,
): DatabaseUnavailableError {
  return new DatabaseUnavailableError(message, reason)
}

/** Refuses a reference to a record that does not exist for this tenant, naming the field that held it. */
export function missingReference(entity: string, id: string, field: string): AppError {
  return new AppError('NOT_FOUND', `${field}: no ${entity} with id ${id}`, { entity, id, field })
}
