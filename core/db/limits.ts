/** How long the server waits on PostgreSQL before it calls the database unavailable (milliseconds; 0 turns one off). */
export interface DatabaseLimits {
  /** Opening a connection, or waiting for a free one in the pool. */
  connectTimeoutMs: number
  /** One statement on the server (PostgreSQL's statement_timeout). */
  statementTimeoutMs: number
  /** One statement as the client waits for its answer: what ends a wait on a network that stopped carrying packets. */
  queryTimeoutMs: number
  /** A transaction left idle (PostgreSQL's idle_in_transaction_session_timeout): frees the locks of a client that vanished. */
  idleInTransactionTimeoutMs: number
}

/** Far above the slowest request the product makes, so only a fault ever reaches them. */
export const DEFAULT_DATABASE_LIMITS: DatabaseLimits = {
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 15_000,
  queryTimeoutMs: 20_000,
  idleInTransactionTimeoutMs: 60_000,
}

/** TCP keep-alive probes start after this much silence, so a server host that vanished is noticed on idle connections too. */
export const KEEPALIVE_DELAY_MS = 10_000

/**
 * How long a product process keeps a connection it is not using. A new connection costs its first request tens of
 * milliseconds of PostgreSQL (each table's catalog entries, policies, triggers and functions loaded again, each
 * statement prepared again; measured, a note on a new connection took 85 ms to answer and 60 ms of PostgreSQL's
 * CPU, 11 ms warm), and an agent's calls are often more than pg's default of 10 s apart. PgBouncer keeps its idle
 * server connections as long (server_idle_timeout).
 */
export const IDLE_CONNECTION_MS = 600_000

/** Connections one process opens to a PostgreSQL server at most, unless CRM_DB_POOL_SIZE says otherwise. */
export const DEFAULT_POOL_SIZE = 20
