import { AppError, databaseUnavailable } from '../errors.js'
import { isDatabaseOutage } from './outage.js'

/** SQLSTATE raised by our triggers when something immutable (a closed ticket, the audit log) is changed. */
export const IMMUTABLE_SQLSTATE = 'CR001'

/** Turns a PostgreSQL (or connection) error into the typed error the API reports; other errors pass through. */
export function translateDatabaseError(err: unknown): unknown {
  if (err instanceof AppError || !(err instanceof Error)) return err
  const e = err as Error & { code?: string; constraint?: string; column?: string; table?: string; detail?: string }
  const code = e.code ?? ''
  // Connection faults (refused, terminated, starting up, stalled) are the database's, never the request's: see outage.ts.
  if (isDatabaseOutage(e)) return databaseUnavailable()
  switch (code) {
    case '23505':
      return new AppError('CONFLICT', `A record with the same ${fieldsOf(e.detail) ?? e.constraint ?? 'key'} already exists`, { constraint: e.constraint })
    case '23503':
      return new AppError('VALIDATION_ERROR', `${fieldsOf(e.detail) ?? 'A reference'} does not point at an existing record`, {
        constraint: e.constraint, issues: [{ field: fieldsOf(e.detail) ?? '', message: 'no such record' }] })
    case '23502':
      return new AppError('VALIDATION_ERROR', `${e.column ?? 'A field'} is required`, { issues: [{ field: e.column ?? '', message: 'required' }] })
    case '23514':
    case '23P01':
      return new AppError('VALIDATION_ERROR', `The values break the rule ${e.constraint ?? ''}`.trim(), { constraint: e.constraint })
    case '22021':
    case '22P05':
      return new AppError('VALIDATION_ERROR', 'A text value contains the NUL character (\\u0000), which cannot be stored; remove it')
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22001':
      return new AppError('VALIDATION_ERROR', e.message)
    case '40001':
    case '40P01':
      return new AppError('CONFLICT', 'The record was changed by another request at the same time; retry', { retryable: true })
    case '42501':
      return new AppError('FORBIDDEN', 'Not allowed for this tenant or role')
    case IMMUTABLE_SQLSTATE:
      return new AppError('IMMUTABLE', e.message)
    case '55P03':
      return new AppError('CONFLICT', 'The record is locked by another request; retry', { retryable: true })
  }
  return err
}

/** The column names inside a detail like "Key (tenant_id, email)=(...) already exists.", without tenant_id. */
function fieldsOf(detail: string | undefined): string | undefined {
  const m = detail?.match(/^Key \(([^)]*)\)/)
  if (!m) return undefined
  const cols = m[1].split(',').map((c) => c.trim()).filter((c) => c !== 'tenant_id')
  return cols.length ? cols.join(', ') : undefined
}
