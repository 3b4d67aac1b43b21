import pg from 'pg'
import { deferringQueryable } from './deferred.js'
import { log } from '../kernel/log.js'
import { DEFAULT_POOL_SIZE, KEEPALIVE_DELAY_MS, type DatabaseLimits } from './limits.js'
import { DatabaseUnreachableError, isDatabaseOutage } from './outage.js'
import { statementNames } from './statement-names.js'
import type { Database, Queryable, QueryResult } from './types.js'
import type { DatabaseRoles } from './roles.js'
import { typeParsers } from './type-parsers.js'

for (const [oid, parse] of Object.entries(typeParsers)) pg.types.setTypeParser(Number(oid), parse)

/** The name of each statement text, the same on every connection of the process (pg prepares it once per connection). */
const names = statementNames()

/** How the pool talks to the server. */
export interface PostgresOptions {
  /** The installation's roles (core/db/roles.ts); the default ones when left out. */
  roles?: DatabaseRoles
  /**
   * Statements with parameters prepared by name, once per connection, then only bound and run: the server plans them as
   * prepared statements, and once a generic plan serves, not at all. Off behind a pooler that cannot keep a connection's
   * prepared statements (PgBouncer before 1.21 in transaction mode).
   */
  prepared?: boolean
  /** How long an idle connection is kept before it is closed (openDatabase: IDLE_CONNECTION_MS); pg's default, 10 s, when left out. */
  idleConnectionMs?: number
}

/**
 * Opens a pool of connections to a PostgreSQL server. With `limits`, statements, connections and idle transactions are
 * bounded in time (the server and CLI pass the configured ones); without, only connecting is, as tools and tests need.
 */
export function openPostgres(
  url: string,
  maxConnections = DEFAULT_POOL_SIZE,
  limits?: DatabaseLimits,
  options: PostgresOptions = {},
): Database {
  const prepared = options.prepared ?? true
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    connectionTimeoutMillis: limits?.connectTimeoutMs ?? 5000,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    ...(options.idleConnectionMs ? { idleTimeoutMillis: options.idleConnectionMs } : {}),
    ...(limits
      ? {
          statement_timeout: limits.statementTimeoutMs,
          query_timeout: limits.queryTimeoutMs,
          idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
        }
      : {}),
  })
  // Every connection, idle or checked out, gets a listener: an 'error' event without one (a server restart, a terminated
  // backend between two statements) would end the process. The statement in flight, if any, reports the error itself.
  pool.on('connect', (client) => {
    client.on('error', (err: Error & { code?: string }) => log('warn', 'database connection lost', { error: err.message, code: err.code }))
  })
  // The pool repeats the error of an idle connection it drops; the connection's own listener has logged it.
  pool.on('error', () => {})
  const acquire = () =>
    pool.connect().catch((err: unknown) => {
      throw new DatabaseUnreachableError(err)
    })
  const wrap = (q: pg.PoolClient): Queryable => ({
    async query<T>(text: string, params?: unknown[]): Promise<QueryResult<T>> {
      const name = prepared && params?.length ? names.claim(text) : undefined
      const r = name ? await q.query({ name, text, values: params }) : await q.query(text, params as unknown[])
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length }
    },
    async exec(text: string) {
      await q.query(text)
    },
  })
  /** Runs fn on a connection of its own; a connection that failed with an outage is dropped, never handed out again. */
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await acquire()
    let broken: Error | undefined
    try {
      return await fn(client)
    } catch (err) {
      if (isDatabaseOutage(err)) broken = err as Error
      throw err
    } finally {
      client.release(broken)
    }
  }
  return {
    engine: 'postgres',
    roles: options.roles,
    query: (text, params) => withClient((client) => wrap(client).query(text, params)),
    exec: (text) => withClient((client) => wrap(client).exec(text)),
    async transaction(fn, setup) {
      const client = await acquire()
      let broken: Error | undefined
      try {
        // Several statements in one simple query answer with one result each, BEGIN's first.
        const begun: pg.QueryResult | pg.QueryResult[] = await client.query(setup ? `begin; ${setup}` : 'begin')
        const deferring = deferringQueryable(wrap(client))
        const result = await fn(deferring.tx, Array.isArray(begun) ? begun.slice(1).map((r) => r.rows) : [])
        // What the transaction deferred (its audit rows) goes with COMMIT, in the same round trip.
        const held = deferring.take()
        await client.query(held ? `${held};\ncommit` : 'commit')
        return result
      } catch (err) {
        // After an outage the connection is gone or stuck: it is dropped instead of rolled back, which rolls back on the server.
        if (isDatabaseOutage(err)) broken = err as Error
        else await client.query('rollback').catch((e: Error) => (broken = e))
        throw err
      } finally {
        client.release(broken)
      }
    },
    close: () => pool.end(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: maxConnections }),
  }
}
