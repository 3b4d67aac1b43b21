import type { DatabaseRoles } from './roles.js'

/** A row as returned by the database: column name to value. */
export type Row = Record<string, unknown>

/** What every query returns, on either engine. */
export interface QueryResult<T = Row> {
  rows: T[]
  rowCount: number
}

/** Anything that can run a parameterized statement: the database or an open transaction. */
export interface Queryable {
  query<T = Row>(text: string, params?: unknown[]): Promise<QueryResult<T>>
  /** Runs one or more statements without parameters (migration files). */
  exec(text: string): Promise<void>
  /**
   * In a transaction: holds a statement without parameters back until the transaction's next statement or its COMMIT,
   * and sends it with that one (an audit row costs no round trip of its own). Absent outside a transaction, and in
   * wrappers that do not pass it on: callers then run the statement at once.
   */
  defer?(text: string): void
}

/** The one database interface all code uses, over PGlite or a PostgreSQL server. */
export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres'
  /**
   * Runs fn inside BEGIN ... COMMIT on one connection; rolls back when fn throws. `setup` is SQL without parameters
   * run first in the same transaction, sent together with BEGIN where the engine allows (one round trip fewer); fn is
   * given the rows of each of its statements, in order.
   */
  transaction<T>(fn: (tx: Queryable, setupRows?: Row[][]) => Promise<T>, setup?: string): Promise<T>
  close(): Promise<void>
  /** The roles of its installation (core/db/roles.ts); the default ones when left out. */
  readonly roles?: DatabaseRoles
  /** What its connections are doing right now, where the engine can tell (the server's pool, the embedded engine's thread). */
  poolStats?(): PoolStats
}

/** A database's connections at one moment, as /metrics reports them. */
export interface PoolStats {
  /** Connections open (the embedded engine: its one thread, once open). */
  total: number
  /** Open connections no statement or transaction holds. */
  idle: number
  /** Waiting for a connection (the embedded engine: statements sent to its thread behind the one it runs). */
  waiting: number
  /** Connections this process opens at most. */
  max: number
}
