import type { BackupFolderCensus } from '../backup/folder-census.js'
import type { Config } from '../kernel/config.js'
import { pendingMigrations } from '../db/migrate.js'
import type { Database } from '../db/types.js'
import type { ServiceState } from './service-state.js'

/** The database as `crm doctor` reports it: its version, its clock, its connections and the migrations it lacks. */
export interface DatabaseFacts {
  engine: 'pglite' | 'postgres'
  /** server_version, e.g. "15.14 (Debian 15.14-0+deb12u1)" or PGlite's "18.0". */
  version: string
  /** The database's clock when it answered, ISO 8601. */
  now: string
  /** Client connections open on the server against max_connections; null on the embedded engine (one process, no connections). */
  connections: { used: number; max: number; reserved: number } | null
  /**
   * Whether the server's autovacuum runs, keeping the planner's statistics in step with the tables; null on the embedded
   * engine (one process: no autovacuum to ask about).
   */
  autovacuum: boolean | null
  /** Migration files not applied yet. */
  pending_migrations: string[]
}

/** What the server saw of one request: what express made of it under TRUST_PROXY, and the proxy headers it carried. */
export interface SeenRequest {
  protocol: string
  /** The client's address as the server counts it (rate limits): X-Forwarded-For's, when the proxy is trusted. */
  ip: string
  host: string
  /** The address that connected to the server (a proxy's, behind one). */
  remote: string
  /** Names of the proxy headers the request carried (forwarded, x-forwarded-for, ...). */
  proxy_headers: string[]
}

/** The settings a server runs with, without secrets: the doctor compares them with the environment it was started in. */
export interface ServerSettings {
  engine: 'pglite' | 'postgres'
  public_base_url: string
  trust_proxy: string
  encryption_key: boolean
  backup_key: boolean
  metrics_token: boolean
}

/** What GET /healthz/doctor answers: the facts only the running server knows. */
export interface DoctorFacts {
  server_time: string
  settings: ServerSettings
  /** This request as the server saw it. */
  seen: SeenRequest
  /** What the server saw of an earlier request that carried the probe asked for (?probe=), when it saw one. */
  probe: SeenRequest | null
  /** Null, with database_error saying why, when the database did not answer in time. */
  database: DatabaseFacts | null
  state: ServiceState | null
  /** The archives in the server's CRM_BACKUP_DIR and those its database did not make; null with the database's facts. */
  backup_folder: BackupFolderCensus | null
  database_error: string | null
}

/** Reads the database's version, clock, connections and missing migrations. */
export async function readDatabaseFacts(db: Database): Promise<DatabaseFacts> {
  const r = await db.query<{ version: string; now: Date | string; used: number | null; max: number; reserved: number; autovacuum: string }>(
    `select current_setting('server_version') as version, now() as now,
            current_setting('max_connections')::int as max, current_setting('superuser_reserved_connections')::int as reserved,
            (select count(*)::int from pg_stat_activity where backend_type = 'client backend') as used,
            current_setting('autovacuum') as autovacuum`,
  )
  const row = r.rows[0]
  return {
    engine: db.engine,
    version: row.version,
    now: new Date(row.now).toISOString(),
    connections: db.engine === 'postgres' ? { used: Number(row.used), max: row.max, reserved: row.reserved } : null,
    autovacuum: db.engine === 'postgres' ? row.autovacuum === 'on' : null,
    pending_migrations: await pendingMigrations(db),
  }
}

/**
 * The settings a process runs with: its configuration, whether a CRM_ENCRYPTION_KEY opened (the server: whether its secret
 * box exists), and its engine (the server: the database it opened).
 */
export function settingsOf(
  config: Config,
  encryptionKey: boolean,
  engine: ServerSettings['engine'] = config.databaseUrl ? 'postgres' : 'pglite',
): ServerSettings {
  return {
    engine,
    public_base_url: config.publicBaseUrl,
    trust_proxy: String(config.trustProxy),
    encryption_key: encryptionKey,
    backup_key: config.backup.key !== null,
    metrics_token: Boolean(config.metricsToken),
  }
}
