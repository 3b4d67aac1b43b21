import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../core/kernel/config.js'
import { DEFAULT_DATABASE_LIMITS } from '../../core/db/limits.js'

describe('time limits and send rate from the environment', () => {
  it('defaults: statements far above any request, the client waiting a little longer than the server, Resend at 2 per second', () => {
    const c = loadConfig({})
    expect(c.databaseLimits).toEqual({ ...DEFAULT_DATABASE_LIMITS, queryTimeoutMs: DEFAULT_DATABASE_LIMITS.statementTimeoutMs + 5_000 })
    expect(c.readyTimeoutMs).toBe(2_000)
    expect(c.resendMaxPerSecond).toBe(2)
    expect(c.databasePoolSize).toBe(20)
    expect(c.databasePreparedStatements).toBe(true)
  })

  it('each can be set; the client-side wait follows the statement limit unless set itself; 0 turns a limit off', () => {
    const c = loadConfig({
      CRM_DB_CONNECT_TIMEOUT_MS: '1500',
      CRM_DB_STATEMENT_TIMEOUT_MS: '60000',
      CRM_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '0',
      CRM_READY_TIMEOUT_MS: '500',
      RESEND_MAX_PER_SECOND: '10',
      CRM_DB_POOL_SIZE: '5',
    })
    expect(c.databaseLimits).toEqual({
      connectTimeoutMs: 1500,
      statementTimeoutMs: 60_000,
      queryTimeoutMs: 65_000,
      idleInTransactionTimeoutMs: 0,
    })
    expect(c.readyTimeoutMs).toBe(500)
    expect(c.resendMaxPerSecond).toBe(10)
    expect(c.databasePoolSize).toBe(5)
    expect(loadConfig({ CRM_DB_PREPARED_STATEMENTS: 'off' }).databasePreparedStatements).toBe(false)
    expect(loadConfig({}).embeddedOptimizedCode).toBe(false)
    expect(loadConfig({ CRM_EMBEDDED_OPTIMIZE: 'on' }).embeddedOptimizedCode).toBe(true)
    expect(loadConfig({ CRM_DB_STATEMENT_TIMEOUT_MS: '0' }).databaseLimits.queryTimeoutMs).toBe(0)
    expect(loadConfig({ CRM_DB_QUERY_TIMEOUT_MS: '3000' }).databaseLimits.queryTimeoutMs).toBe(3_000)
  })

  it('a wrong value stops start-up naming the variable', () => {
    expect(() => loadConfig({ CRM_DB_STATEMENT_TIMEOUT_MS: '15s' })).toThrow(
      /CRM_DB_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds/,
    )
    expect(() => loadConfig({ RESEND_MAX_PER_SECOND: '0' })).toThrow(/RESEND_MAX_PER_SECOND must be a number above 0/)
    expect(() => loadConfig({ CRM_DB_POOL_SIZE: '0' })).toThrow(/CRM_DB_POOL_SIZE must be a whole number above 0/)
    expect(() => loadConfig({ CRM_DB_PREPARED_STATEMENTS: 'no' })).toThrow(/CRM_DB_PREPARED_STATEMENTS/)
    expect(() => loadConfig({ CRM_EMBEDDED_OPTIMIZE: 'fast' })).toThrow(/CRM_EMBEDDED_OPTIMIZE/)
  })
})
