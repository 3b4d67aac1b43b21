import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { backupFolderCensus, type BackupFolderCensus } from '../../core/backup/folder-census.js'
import type { Config } from '../../core/kernel/config.js'
import { DataDirInUse, lockDataDir } from '../../core/db/data-dir-lock.js'
import { openDatabase } from '../../core/db/open.js'
import type { Database } from '../../core/db/types.js'
import { withDeadline } from '../../core/kernel/deadline.js'
import { readDatabaseFacts, type DatabaseFacts, type DoctorFacts } from '../../core/monitoring/doctor-facts.js'
import { readServiceState, type ServiceState } from '../../core/monitoring/service-state.js'
import { envelopeOf, ProbeError, probe, type ProbeAnswer } from './http-probe.js'
import { startAdvice } from './start-advice.js'

/** The running server's own answer to the doctor, or why there is none. */
export type ServerReading =
  | { ok: true; url: string; facts: DoctorFacts; answer: ProbeAnswer }
  | {
      ok: false
      url: string
      problem: string
      fix: string /** Whether anything answered at all (false: no server listens there). */
      answered: boolean
    }

/** The database's facts and the service's state, where they came from, and how far the database's clock is from this machine's. */
export type DatabaseReading =
  | {
      ok: true
      via: 'server' | 'direct'
      facts: DatabaseFacts
      state: ServiceState
      /** The archives in CRM_BACKUP_DIR and those this database did not make. */
      backupFolder: BackupFolderCensus
      /** The database's clock minus this machine's, in ms, give or take `uncertaintyMs` (half the round trip). */
      clock: { skewMs: number; uncertaintyMs: number }
    }
  | { ok: false; problem: string; fix: string }

/** The running server's address for the doctor: --url, else CRM_SERVER_URL, else HOST:PORT as `crm mcp` finds it. */
export function serverUrlOf(config: Config, env: NodeJS.ProcessEnv, given?: string): string {
  const url = given ?? env.CRM_SERVER_URL ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`
  return url.replace(/\/+$/, '')
}

/** Asks the running server for its facts (GET /healthz/doctor) over a direct connection, with CRM_METRICS_TOKEN when set. */
export async function askServer(
  url: string,
  config: Pick<Config, 'metricsToken' | 'databaseUrl' | 'workerInServer'>,
  timeoutMs: number,
  probeId?: string,
): Promise<ServerReading> {
  const token = config.metricsToken
  let answer: ProbeAnswer
  try {
    answer = await probe(`${url}/healthz/doctor${probeId ? `?probe=${probeId}` : ''}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      timeoutMs,
    })
  } catch (err) {
    const code = err instanceof ProbeError ? err.code : ''
    return {
      ok: false,
      url,
      problem: `no server answers at ${url} (${code || (err as Error).message})`,
      fix: startAdvice(config),
      answered: false,
    }
  }
  const envelope = envelopeOf(answer)
  if (answer.status === 200 && envelope?.success) return { ok: true, url, facts: envelope.data as DoctorFacts, answer }
  if (answer.status === 404 && envelope?.error?.code === 'NOT_FOUND') {
    return {
      ok: false,
      url,
      problem: `the server at ${url} did not let the doctor read its facts: the connection is not a direct one from its own machine, or it carried a proxy header`,
      fix: "Run crm doctor on the server's machine with CRM_SERVER_URL set to its own address (http://127.0.0.1:PORT), or set the same CRM_METRICS_TOKEN for both.",
      answered: true,
    }
  }
  return {
    ok: false,
    url,
    problem: `${url}/healthz/doctor answered ${answer.status} ${envelope?.error?.message ?? String(answer.headers['content-type'] ?? '')}: not this product's server, or an older version`,
    fix: 'Point --url or CRM_SERVER_URL at the server itself (http://127.0.0.1:PORT), and update it.',
    answered: true,
  }
}

/**
 * The database's facts: on PostgreSQL the doctor opens it itself; the embedded data folder belongs to the running server,
 * so there they come from the server's answer, and the folder is opened here only when no process holds it.
 */
export async function readDatabase(config: Config, server: ServerReading, timeoutMs: number): Promise<DatabaseReading> {
  if (config.databaseUrl) return readDirectly(config, timeoutMs)
  if (server.ok) {
    const { facts, answer } = server
    if (!facts.database || !facts.state || !facts.backup_folder) {
      return { ok: false, problem: `the server could not read its database: ${facts.database_error}`, fix: "Look at the server's log." }
    }
    return {
      ok: true,
      via: 'server',
      facts: facts.database,
      state: facts.state,
      backupFolder: facts.backup_folder,
      clock: clockOf(Date.parse(facts.database.now), answer.sentAt, answer.answeredAt),
    }
  }
  if (!existsSync(join(config.dataDir, 'PG_VERSION'))) {
    return {
      ok: false,
      problem: `there is no database in ${config.dataDir} (CRM_DATA_DIR)`,
      fix: "Set CRM_DATA_DIR (or DATABASE_URL) as the server has it; a first start creates the folder's database.",
    }
  }
  return readDirectly(config, timeoutMs)
}

/** Opens the database itself (the server's PostgreSQL, or the embedded folder no process holds), reads, and lets go. */
async function readDirectly(config: Config, timeoutMs: number): Promise<DatabaseReading> {
  let lock: ReturnType<typeof lockDataDir> | undefined
  let db: Database | undefined
  try {
    if (!config.databaseUrl) lock = lockDataDir(config.dataDir, 'cli doctor')
    const opened = openDatabase({ ...config, databasePoolSize: 2 })
    db = await withDeadline(opened, timeoutMs * 4, () => new Error(`the database did not open within ${timeoutMs * 4} ms`))
    const open = db
    const sentAt = Date.now()
    const now = await open.query<{ now: Date | string }>('select now() as now')
    const answeredAt = Date.now()
    const [facts, state, backupFolder] = await withDeadline(
      Promise.all([
        readDatabaseFacts(open),
        readServiceState(open, config.backup.key !== null, new Date()),
        backupFolderCensus(open, config.backup.dir),
      ]),
      timeoutMs,
      () => new Error(`the database did not answer within ${timeoutMs} ms`),
    )
    return {
      ok: true,
      via: 'direct',
      facts,
      state,
      backupFolder,
      clock: clockOf(new Date(now.rows[0].now).getTime(), sentAt, answeredAt),
    }
  } catch (err) {
    if (err instanceof DataDirInUse) {
      return {
        ok: false,
        problem: `the data folder ${config.dataDir} belongs to process ${err.holder.pid} (${err.holder.purpose}), which did not answer the doctor`,
        fix: "Give the doctor the server's own address (--url or CRM_SERVER_URL, e.g. http://127.0.0.1:3000) so it asks the server instead.",
      }
    }
    const message = err instanceof Error ? err.message : String(err)
    return {
      ok: false,
      problem: `the database could not be read: ${message}`,
      fix: config.databaseUrl
        ? "Check DATABASE_URL (the same as the server's) and that PostgreSQL runs and accepts connections."
        : "Check CRM_DATA_DIR (the same as the server's).",
    }
  } finally {
    await db?.close().catch(() => {})
    lock?.release()
  }
}

/** A clock reading taken between sentAt and answeredAt: the remote clock minus ours at the midpoint, give or take half the trip. */
export function clockOf(remoteMs: number, sentAt: number, answeredAt: number): { skewMs: number; uncertaintyMs: number } {
  return { skewMs: remoteMs - (sentAt + answeredAt) / 2, uncertaintyMs: (answeredAt - sentAt) / 2 }
}
