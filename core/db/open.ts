import type { DatabaseLimits } from './limits.js'
import type { Database } from './types.js'
import { openPglite } from './pglite.js'
import { openPostgres } from './postgres.js'

/** Where the data lives: a PostgreSQL server URL, or a folder for the embedded engine. */
export interface DatabaseLocation {
  databaseUrl?: string
  dataDir: string
  /** Time limits on a server's connections and statements; none when unset (the embedded engine has no network to wait on). */
  databaseLimits?: DatabaseLimits
}

/** Opens the configured database: the server when a URL is given, else embedded PGlite in the data folder. */
export async function openDatabase(loc: DatabaseLocation): Promise<Database> {
  if (loc.databaseUrl) return openPostgres(loc.databaseUrl, 20, loc.databaseLimits)
  return openPglite(loc.dataDir)
}
