import { describe, expect, it } from 'vitest'
import { DatabaseUnreachableError, isDatabaseOutage } from '../../../core/db/outage.js'
import { translateDatabaseError } from '../../../core/db/translate-error.js'
import { AppError } from '../../../core/kernel/errors.js'

/** An error as node-postgres reports one from the server. */
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code })

describe('database outages', () => {
  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['57014', 'canceling statement due to statement timeout'],
    ['08006', 'connection failure'],
    ['53300', 'sorry, too many clients already'],
  ])('SQLSTATE %s (%s) is UNAVAILABLE with a Retry-After', (code, message) => {
    const e = translateDatabaseError(pgError(code, message))
    expect(e).toBeInstanceOf(AppError)
    expect(e).toMatchObject({ code: 'UNAVAILABLE', status: 503, details: { retry_after_seconds: expect.any(Number) } })
  })

  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['', 'Connection terminated unexpectedly'],
    ['', 'Query read timeout'],
    ['', 'timeout exceeded when trying to connect'],
  ])('a connection that fails or stalls (%s %s) is an outage', (code, message) => {
    expect(isDatabaseOutage(pgError(code, message))).toBe(true)
  })

  it('any failure to connect is an outage, even one whose SQLSTATE means something else inside a transaction', () => {
    // 55000 and 42501 are what a database refusing connections or a revoked CONNECT right answer at connect time.
    const notAccepting = new DatabaseUnreachableError(pgError('55000', 'database "crm" is not currently accepting connections'))
    const revoked = new DatabaseUnreachableError(pgError('42501', 'permission denied for database "crm"'))
    for (const e of [notAccepting, revoked]) expect(translateDatabaseError(e)).toMatchObject({ code: 'UNAVAILABLE', status: 503 })
    expect(notAccepting.message).toMatch(/^Could not connect to the database: database "crm" is not currently accepting connections/)
  })

  it('errors about the request itself stay what they are', () => {
    expect(isDatabaseOutage(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(false)
    expect(translateDatabaseError(pgError('42501', 'permission denied for table contacts'))).toMatchObject({ code: 'FORBIDDEN' })
    expect(isDatabaseOutage(pgError('55000', 'currval of sequence "s" is not yet defined in this session'))).toBe(false)
    expect(isDatabaseOutage('not an error')).toBe(false)
  })
})
