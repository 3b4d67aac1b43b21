import { AppError, databaseUnavailable } from '../kernel/errors.js'
import { isDatabaseOutage } from './outage.js'

/** SQLSTATE raised by our triggers when something immutable (a closed ticket, the audit log) is changed. */
export const IMMUTABLE_SQLSTATE = 'CR001'

/** Turns a PostgreSQL (or connection) error into the typed error the API reports; other errors pass through. */
export function translateDatabaseError(err: unknown): unknown {
  if (err instanceof AppError || !(err instanceof Error)) return err
  const e = err as Error & { code?: string; constraint?: string; column?: string; table?: string; detail?: string }
  const code = e.code ?? ''
  // Connection faults (refused, terminated, starting up, stalled) are the database's, never the request's: see outage.ts.
  if (isDatabaseOutage(e)) return databaseUnavailable(undefined, e.message)
  switch (code) {
    case '23505':
      return new AppError('CONFLICT', `A record with the same ${fieldsOf(e.detail) ?? e.constraint ?? 'key'} already exists`, {
        constraint: e.constraint,
      })
    case '23503':
      return new AppError('VALIDATION_ERROR', `${fieldsOf(e.detail) ?? 'A reference'} does not point at an existing record`, {
        constraint: e.constraint,
        issues: [{ field: fieldsOf(e.detail) ?? '', message: 'no such record' }],
      })
    case '23502':
      return new AppError('VALIDATION_ERROR', `${e.column ?? 'A field'} is required`, {
        issues: [{ field: e.column ?? '', message: 'required' }],
      })
    case '23514':
    case '23P01':
      return new AppError('VALIDATION_ERROR', `The values break the rule ${e.constraint ?? ''}`.trim(), { constraint: e.constraint })
    case '22021':
    case '22P05':
      return new AppError('VALIDATION_ERROR', 'A text value contains the NUL character (\\u0000), which cannot be stored; remove it')
    case '40001':
    case '40P01':
      return new AppError('CONFLICT', 'The record was changed by another request at the same time; retry', { retryable: true })
    case '28000':
      return new AppError(
        'UNAUTHENTICATED',
        'The bearer token is not valid: it is unknown, revoked or malformed (expected "Authorization: Bearer crm_...", or an OAuth access token)',
      )
    case '42501':
      return new AppError('FORBIDDEN', 'Not allowed for this tenant or role')
    case IMMUTABLE_SQLSTATE:
      return new AppError('IMMUTABLE', e.message)
    case '55P03':
      return new AppError('CONFLICT', 'The record is locked by another request; retry', { retryable: true })
  }
  if (code.startsWith('22') && code.length === 5) return dataException(code, e.message)
  return err
}

/**
 * A value the database could not take (SQLSTATE class 22, data exception): what kind of value was wrong, in our words.
 * The database's own text quotes internals (type names of columns, parameter numbers), so only the kind is read from it.
 */
function dataException(code: string, dbMessage: string): AppError {
  const type = /for type ([a-z ]+?)(?:\(\d+\))?(?::|$)/i.exec(dbMessage)?.[1]?.trim() ?? ''
  const kind = DATA_KINDS.find(([re]) => re.test(type))?.[1]
  const said =
    DATA_EXCEPTIONS[code] ??
    (kind ? `A value is not a valid ${kind}` : 'A value has the wrong form or is out of range for what it describes')
  const message = `${said}; check the input's dates, times, numbers, ids and texts against GET /api/capabilities`
  return new AppError('VALIDATION_ERROR', message, { issues: [{ field: '', message: said }], ...(kind ? { expected: kind } : {}) })
}

/** The kinds of value a database type stands for, as a caller knows them. */
const DATA_KINDS: Array<[RegExp, string]> = [
  [/^uuid$/, 'id (a UUID)'],
  [/^timestamp/, 'date and time (ISO 8601, such as 2026-03-02T15:00:00Z)'],
  [/^date$/, 'date (YYYY-MM-DD)'],
  [/^time/, 'time of day (HH:MM)'],
  [/^interval$/, 'duration'],
  [/^(integer|smallint|bigint|numeric|real|double precision)$/, 'number'],
  [/^(json|jsonb)$/, 'JSON text (it contains an invalid escape or character)'],
  [/^boolean$/, 'true or false'],
]

/** What each data exception says about the value, where the code alone says enough. */
const DATA_EXCEPTIONS: Record<string, string> = {
  '22001': 'A text is longer than its field allows',
  '22003': 'A number is too large or too small to be stored',
  '22008': 'A date or time is out of range',
  '22007': 'A date or time is not valid',
  '22012': 'A number leads to a division by zero',
  '22023': 'A value is not one the operation accepts',
}

/** The column names inside a detail like "Key (tenant_id, email)=(...) already exists.", without tenant_id. */
function fieldsOf(detail: string | undefined): string | undefined {
  const m = detail?.match(/^Key \(([^)]*)\)/)
  if (!m) return undefined
  const cols = m[1]
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== 'tenant_id')
  return cols.length ? cols.join(', ') : undefined
}
