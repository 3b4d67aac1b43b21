import pg from 'pg'
import type { Database, Queryable, QueryResult } from './types.js'
import { typeParsers } from './type-parsers.js'

for (const [oid, parse] of Object.entries(typeParsers)) pg.types.setTypeParser(Number(oid), parse)

/** Opens a pool of connections to a PostgreSQL server. */
export function openPostgres(url: string, maxConnections = 20): Database {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections, connectionTimeoutMillis: 5000 })
  // An idle client losing its server must not crash the process; the next query reports the outage.
  pool.on('error', () => {})
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(text: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await q.query(text, params as unknown[])
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length }
    },
    async exec(text: string) {
      await q.query(text)
    },
  })
  const root = wrap(pool)
  return {
    engine: 'postgres',
    query: root.query,
    exec: root.exec,
    async transaction(fn, setup) {
      const client = await pool.connect()
      let broken: unknown
      try {
        await client.query(setup ? `begin; ${setup}` : 'begin')
        const result = await fn(wrap(client))
        await client.query('commit')
        return result
      } catch (err) {
        await client.query('rollback').catch((e) => (broken = e))
        throw err
      } finally {
        client.release(broken as Error | undefined)
      }
    },
    close: () => pool.end(),
  }
}
