import { DEFAULT_POOL_SIZE, IDLE_CONNECTION_MS, type DatabaseLimits } from './limits.js'
import type { Database } from './types.js'
import { rolesFor } from './roles.js'
import { openPgliteThread } from './pglite-thread.js'
import { baselineEngineCode, optimizedEngineCode } from './engine-code.js'

/** Where the data lives: a PostgreSQL server URL, or a folder for the embedded engine. */
export interface DatabaseLocation {
  databaseUrl?: string
  dataDir: string
  /** Time limits on a server's connections and statements; none when unset (the embedded engine has no network to wait on). */
  databaseLimits?: DatabaseLimits
  /** Connections to the server at most (DEFAULT_POOL_SIZE when unset). */
  databasePoolSize?: number
  /** Whether statements are prepared by name on the server's connections (off behind PgBouncer before 1.21); every opener says. */
  databasePreparedStatements: boolean
  /** The start of the installation's role names on the server (the embedded engine keeps the default ones); every opener says. */
  databaseRolePrefix: string
  /** Whether the embedded engine's hot code is also compiled optimized (CRM_EMBEDDED_OPTIMIZE); off when unset (see baselineEngineCode). */
  embeddedOptimizedCode?: boolean
}

/**
 * Opens the configured database: the server when a URL is given, else embedded PGlite in the data folder, run in a thread
 * of its own so that a long statement never blocks this process's event loop (health checks, pages, signals).
 */
export async function openDatabase(loc: DatabaseLocation): Promise<Database> {
  if (loc.databaseUrl) {
    // Loaded only when used: the embedded engine's start does without pg.
    const { openPostgres } = await import('./postgres.js')
    return openPostgres(loc.databaseUrl, loc.databasePoolSize ?? DEFAULT_POOL_SIZE, loc.databaseLimits, {
      prepared: loc.databasePreparedStatements,
      roles: rolesFor(loc.databaseRolePrefix),
      idleConnectionMs: IDLE_CONNECTION_MS,
    })
  }
  if (loc.embeddedOptimizedCode) optimizedEngineCode()
  else baselineEngineCode()
  return openPgliteThread(loc.dataDir)
}
