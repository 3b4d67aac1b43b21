import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { createServices } from '../../api/product.js'
import { checkArchive, writeArchive } from '../../core/backup/archive.js'
import { makeBackup } from '../../core/backup/make.js'
import { restoreArchive } from '../../core/backup/restore.js'
import { withSnapshot } from '../../core/backup/snapshot.js'
import { verifyArchive } from '../../core/backup/verify.js'
import { loadConfig, type Config } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openDatabase } from '../../core/db/open.js'
import type { Database } from '../../core/db/types.js'
import { documentStoreFor } from '../../core/documents/choose-store.js'
import { MissingContentError } from '../../core/documents/store.js'
import { loadDemo } from '../../core/demo/load-demo.js'
import { PERSONAL_DATA } from '../../core/domains/personal-data.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { openMigratedDatabase } from '../../core/kernel/runtime.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { generateSearchData } from '../generate-search-data.js'
import { createScratchDatabase, unreachableReason } from '../postgres-server.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'

/** Customers of the large business (BENCH_BACKUP_CONTACTS for a quicker look). */
const CONTACTS = Number(process.env.BENCH_BACKUP_CONTACTS ?? 100_000)

/** Where one engine keeps a database: a data folder of its own, or a scratch database on the server. */
interface Engine {
  label: 'embedded' | 'PostgreSQL'
  /** An empty place, with the configuration that names it and a folder of its own for archives. */
  place(name: string): Promise<Place>
}

interface Place {
  /** As the server runs: the serving statement limit. */
  config: Config
  /** The same without the statement limit, to write a large business (a vacuum may rightly take minutes). */
  unlimited: Config
  /** The data's size on disk: the folder's files, or pg_database_size. */
  bytes(): Promise<number>
  /** What that size is. */
  sizeNote(): string
  dispose(): Promise<void>
}

/** A business loaded into a place: what it holds, and how long loading took. */
interface Loaded {
  place: Place
  customers: number
  holds: string
  /** How it got there, and how long that took. */
  origin: string
}

/**
 * Backup time (in total through makeBackup, and by part: the snapshot, writing the archive, verifying it), archive
 * size, raw size and restore time into an empty database of the same engine, for the demo business and a business of
 * 100k generated customers, on the embedded engine (a data folder opened as the server opens it) and on PostgreSQL;
 * and the move between engines through an archive. Each row is also written to stderr when measured: the whole
 * takes long.
 */
export const backupScenario: Scenario = {
  name: 'backup',
  needs: 'nothing',
  async run(settings: BenchSettings) {
    setLogLevel('silent')
    const root = mkdtempSync(join(tmpdir(), 'crm-bench-backup-'))
    const key = randomBytes(32)
    const rows: BenchRow[] = []
    const add = (...more: BenchRow[]) => {
      for (const row of more) process.stderr.write(`bench: backup: ${row.measure}: ${row.value}\n`)
      rows.push(...more)
    }
    try {
      add(loadRow('start'))
      const local = embedded(root, key)
      const down = await unreachableReason(settings.databaseUrl)
      const server = down ? null : postgres(settings.databaseUrl, root, key)
      if (down) add({ measure: 'PostgreSQL', value: 'SKIPPED', note: `${down}: the PostgreSQL rows and the moves are left out` })

      // The demo on each engine, then moved each way through the other's archive.
      const demoArchives: string[] = []
      for (const [i, engine] of [local, server].filter((e) => e !== null).entries()) {
        const demo = await loadDemoBusiness(engine)
        try {
          const m = await measureBusiness(engine, demo, `demo, ${engine.label}`, key, i === 0)
          demoArchives.push(m.archive)
          add(...m.rows)
        } finally {
          await demo.place.dispose()
        }
      }
      if (server) {
        add(await restoreRow(server, demoArchives[0], 'demo moved, embedded → PostgreSQL', 'the archive made on the embedded engine'))
        add(await restoreRow(local, demoArchives[1], 'demo moved, PostgreSQL → embedded', 'the archive made on PostgreSQL'))
      }

      // The large business: generated on PostgreSQL and moved to the embedded engine by its archive (generating it on the
      // embedded engine takes hours); without a server, generated on the embedded engine.
      let largeArchive: { file: string; holds: string; customers: number } | null = null
      if (server) {
        const big = await loadLargeBusiness(server)
        try {
          const m = await measureBusiness(server, big, `${thousands(big.customers)}, PostgreSQL`, key, false)
          largeArchive = { file: m.archive, holds: big.holds, customers: big.customers }
          add(...m.rows)
        } finally {
          await big.place.dispose()
        }
      }
      const big = largeArchive ? await movedLargeBusiness(local, largeArchive, add) : await loadLargeBusiness(local)
      try {
        add(...(await measureBusiness(local, big, `${thousands(big.customers)}, embedded`, key, false)).rows)
      } finally {
        await big.place.dispose()
      }
      add(
        {
          measure: 'peak resident memory of the bench process (MB)',
          value: (process.resourceUsage().maxRSS / 1024).toFixed(0),
          note: 'the embedded engine, its snapshot and the verification run in threads of this process',
        },
        loadRow('end'),
      )
      return rows
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  },
}

/** The embedded engine: a data folder under root, opened as the server opens it. */
function embedded(root: string, key: Buffer): Engine {
  let n = 0
  return {
    label: 'embedded',
    async place(name) {
      const dir = join(root, `${name}-${++n}`)
      // Archives apart from the folder (which is removed after use) and from other places' (retention keeps one a day).
      const env = { CRM_DATA_DIR: join(dir, 'data'), CRM_BACKUP_DIR: join(root, 'archives', `embedded-${name}-${n}`) }
      return {
        ...configs(key, env),
        bytes: async () => folderBytes(join(dir, 'data')),
        sizeNote: () => `the data folder, of which the write-ahead log (pg_wal) ${mb(folderBytes(join(dir, 'data', 'pg_wal')))} MB`,
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      }
    },
  }
}

/** PostgreSQL: a scratch database of its own on the server for each place. */
function postgres(server: string, root: string, key: Buffer): Engine {
  let n = 0
  return {
    label: 'PostgreSQL',
    async place(name) {
      const scratch = await createScratchDatabase(server, `backup_${name}`)
      const env = {
        DATABASE_URL: scratch.url,
        CRM_DATA_DIR: join(root, 'unused'),
        CRM_BACKUP_DIR: join(root, 'archives', `postgres-${name}-${++n}`),
      }
      return {
        ...configs(key, env),
        bytes: () => databaseBytes(scratch.url),
        sizeNote: () => 'pg_database_size',
        dispose: () => scratch.drop(),
      }
    },
  }
}

/** A place's configuration as the server reads it, and the same without the statement limit. */
function configs(key: Buffer, env: Record<string, string>): { config: Config; unlimited: Config } {
  const withKey = (config: Config): Config => ({ ...config, backup: { ...config.backup, key } })
  return {
    config: withKey(loadConfig({ LOG_LEVEL: 'silent', ...env })),
    unlimited: withKey(loadConfig({ LOG_LEVEL: 'silent', ...env, CRM_DB_STATEMENT_TIMEOUT_MS: '0' })),
  }
}

/** The demo business (`crm demo load`) in a new business of an empty database. */
async function loadDemoBusiness(engine: Engine): Promise<Loaded> {
  const place = await engine.place('demo')
  try {
    const opened = await openMigratedDatabase(place.config, 'bench backup', PERSONAL_DATA)
    try {
      const services = createServices(place.config, opened.db)
      const tenant = await createTenant(opened.db, { name: 'Demo Windows', owner_email: 'owner@demo.example' })
      const started = performance.now()
      const counts = await loadDemo(services, tenant.tenant_id)
      return {
        place,
        customers: counts.customers,
        holds: `${counts.customers} customers, ${counts.addresses} addresses, ${counts.tickets} tickets, ${counts.invoices} invoices, ${counts.leads} leads`,
        origin: `loaded as \`crm demo load\` does in ${secs(performance.now() - started)} s`,
      }
    } finally {
      await opened.close()
    }
  } catch (err) {
    await place.dispose()
    throw err
  }
}

/** A business of CONTACTS generated customers (the search scenario's generator), written without the serving statement limit. */
async function loadLargeBusiness(engine: Engine): Promise<Loaded> {
  const place = await engine.place('large')
  try {
    const opened = await openMigratedDatabase(place.unlimited, 'bench backup', PERSONAL_DATA)
    try {
      const tenant = await createTenant(opened.db, { name: 'Large Windows', owner_email: 'owner@large.example' })
      const started = performance.now()
      const data = await generateSearchData(opened.db, tenant.tenant_id, {
        contacts: CONTACTS,
        seed: 21,
        ticketsPerContact: 1,
        leads: Math.max(50, Math.round(CONTACTS / 50)),
        onProgress: (done) => {
          if (done % 20_000 === 0) process.stderr.write(`bench: backup, ${engine.label}: ${done} customers written\n`)
        },
      })
      return {
        place,
        customers: data.contacts,
        holds:
          `${data.contacts} customers, ${data.addresses} addresses, ${data.notes} notes, ${data.attributes} attributes, ` +
          `${data.tickets} completed tickets of one line, ${data.invoices} invoices, ${data.leads} leads`,
        origin: `generated in ${secs(performance.now() - started)} s`,
      }
    } finally {
      await opened.close()
    }
  } catch (err) {
    await place.dispose()
    throw err
  }
}

/**
 * Opens a loaded business as the server does and backs it up: by part (the snapshot, the archive written from it, its
 * verification), then in total through makeBackup; then restores the archive into an empty place of the same engine.
 */
async function measureBusiness(
  engine: Engine,
  loaded: Loaded,
  label: string,
  key: Buffer,
  firstVerification: boolean,
): Promise<{ rows: BenchRow[]; archive: string }> {
  const { config } = loaded.place
  const rows: BenchRow[] = [
    {
      measure: `${label}: data`,
      value: `${loaded.customers} customers`,
      note: `${loaded.holds}; ${loaded.origin}`,
    },
    {
      measure: `${label}: raw size (MB)`,
      value: mb(await loaded.place.bytes()),
      note: loaded.place.sizeNote(),
    },
  ]
  const opened = await openMigratedDatabase(config, 'bench backup', PERSONAL_DATA)
  let archive: string
  try {
    const db = opened.db
    const documents = documentStoreFor(config, db)
    // By part: withSnapshot's own copy (the folder's, or a connection of its own), then writeArchive inside it.
    mkdirSync(config.backup.dir, { recursive: true })
    const parts = join(config.backup.dir, `parts-${label.replace(/\W+/g, '-')}.tar.gz.age`)
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    let t1 = 0
    let t2 = 0
    await withSnapshot(db, config, async (snapshot) => {
      t1 = performance.now()
      const w = await writeArchive({ snapshot, key, file: parts, now: new Date(), readDocument: documentReader(db, config) })
      t2 = performance.now()
      return w
    })
    const t3 = performance.now()
    const writeCpu = cpuSeconds(cpu0)
    let verifyNote = ''
    if (firstVerification) {
      // A process's first verification also migrates the scratch database it restores into; later ones start from a copy.
      const v0 = performance.now()
      await verifyArchive(parts, key, new Date())
      verifyNote = `; the process's first verification, which also migrates its scratch database: ${secs(performance.now() - v0)} s`
    }
    const v0 = performance.now()
    const vcpu = process.cpuUsage()
    await verifyArchive(parts, key, new Date())
    const verifyMs = performance.now() - v0
    const verifyCpu = cpuSeconds(vcpu)
    rows.push(
      {
        measure: `${label}: snapshot (s)`,
        value: secs(t1 - t0 + (t3 - t2)),
        note:
          engine.label === 'embedded'
            ? 'the folder copied (dumpDataDir) and opened in memory in a thread, and closed'
            : 'a connection of its own',
      },
      {
        measure: `${label}: archive written (s)`,
        value: secs(t2 - t1),
        note: `rows read, gzipped and sealed; CPU of this process with the snapshot ${writeCpu.toFixed(1)} s`,
      },
      {
        measure: `${label}: verify (s)`,
        value: secs(verifyMs),
        note: `restored into a scratch embedded database in memory and read again; CPU ${verifyCpu.toFixed(1)} s${verifyNote}`,
      },
    )
    rmSync(parts, { force: true })

    const m0 = performance.now()
    const mcpu = process.cpuUsage()
    const made = await makeBackup({ db, config, documents, now: () => new Date() }, { reason: 'manual' })
    const totalMs = performance.now() - m0
    archive = made.file
    const raw = await loaded.place.bytes()
    rows.push(
      {
        measure: `${label}: backup in all (s)`,
        value: secs(totalMs),
        note: `makeBackup (snapshot, write, verify, its record); CPU of this process ${cpuSeconds(mcpu).toFixed(1)} s; load ${load1()}`,
      },
      {
        measure: `${label}: archive (bytes)`,
        value: made.bytes.toLocaleString('en-US'),
        note: `${Math.round(made.bytes / loaded.customers).toLocaleString('en-US')} bytes per customer; ${((100 * made.bytes) / raw).toFixed(1)}% of the raw size; ${rowsOf(made.counts)} rows in ${Object.keys(made.counts).length - 1} tables`,
      },
    )
  } finally {
    await opened.close()
  }
  rows.push(await restoreRow(engine, archive, `${label}: restore into an empty ${engine.label === 'embedded' ? 'folder' : 'database'}`))
  return { rows, archive }
}

/** Restores an archive into a new empty place of an engine as `crm restore` does, with the read-through check timed apart. */
async function restoreInto(engine: Engine, file: string): Promise<{ place: Place; note: string; ms: number }> {
  const place = await engine.place('restored')
  try {
    const c0 = performance.now()
    await checkArchive(file, place.config.backup.key as Buffer)
    const checkMs = performance.now() - c0
    const r0 = performance.now()
    const cpu = process.cpuUsage()
    await restoreArchive(place.config, file, { replace: false, now: () => new Date() })
    const ms = performance.now() - r0
    const restoreCpu = cpuSeconds(cpu)
    const migrateMs = await emptyMigration(engine)
    const note =
      `of which the read-through check about ${secs(checkMs)} s and migrating an empty database about ${secs(migrateMs)} s (each timed apart); ` +
      `CPU of this process ${restoreCpu.toFixed(1)} s; restored ${mb(await place.bytes())} MB (${place.sizeNote()}); load ${load1()}`
    return { place, note, ms }
  } catch (err) {
    await place.dispose()
    throw err
  }
}

/** The time to restore an archive into an empty place of an engine (removed afterwards). */
async function restoreRow(engine: Engine, file: string, measure: string, origin?: string): Promise<BenchRow> {
  const restored = await restoreInto(engine, file)
  await restored.place.dispose()
  return { measure: `${measure} (s)`, value: secs(restored.ms), note: origin ? `${origin}; ${restored.note}` : restored.note }
}

/** The large business on the embedded engine: its PostgreSQL archive restored into an empty data folder (timed: the move). */
async function movedLargeBusiness(
  engine: Engine,
  archive: { file: string; holds: string; customers: number },
  add: (row: BenchRow) => void,
): Promise<Loaded> {
  const restored = await restoreInto(engine, archive.file)
  const measure = `${thousands(archive.customers)} moved, PostgreSQL → embedded (s)`
  add({ measure, value: secs(restored.ms), note: `the archive made on PostgreSQL; ${restored.note}` })
  return {
    place: restored.place,
    customers: archive.customers,
    holds: archive.holds,
    origin: `restored from the PostgreSQL business's archive in ${secs(restored.ms)} s (generating it here takes hours)`,
  }
}

/** Migrating an empty database of the engine, as a restore does before its rows go in (once per engine). */
const migrationMs = new Map<string, number>()
async function emptyMigration(engine: Engine): Promise<number> {
  const known = migrationMs.get(engine.label)
  if (known !== undefined) return known
  const place = await engine.place('migrated')
  try {
    const db = await openDatabase(place.config)
    try {
      const t0 = performance.now()
      await migrate(db)
      const ms = performance.now() - t0
      migrationMs.set(engine.label, ms)
      return ms
    } finally {
      await db.close()
    }
  } finally {
    await place.dispose()
  }
}

/** A document's bytes with its business set, as makeBackup reads them; null when the store no longer has it. */
function documentReader(db: Database, config: Config) {
  const documents = documentStoreFor(config, db)
  return (tenantId: string, sha256: string) =>
    db.transaction(async (tx) => {
      await tx.query(`select set_config('app.tenant_id', $1, true)`, [tenantId])
      try {
        return await documents.get(tx, tenantId, sha256)
      } catch (err) {
        if (err instanceof MissingContentError) return null
        throw err
      }
    })
}

function loadRow(when: 'start' | 'end'): BenchRow {
  return {
    measure: `machine load (1, 5, 15 min), ${when}`,
    value: loadavg()
      .map((l) => l.toFixed(1))
      .join(' / '),
    note: `${cpus().length} cores; the times above are floors on a busy machine, CPU seconds move least`,
  }
}

function load1(): string {
  return loadavg()[0].toFixed(1)
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1e6
}

function rowsOf(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([table]) => table !== 'document_files')
    .reduce((sum, [, n]) => sum + n, 0)
    .toLocaleString('en-US')
}

function thousands(n: number): string {
  return n % 1000 === 0 ? `${n / 1000}k` : String(n)
}

function secs(ms: number): string {
  return ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2)
}

function mb(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1)
}

function folderBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size
  }
  return total
}

async function databaseBytes(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const r = await client.query<{ size: string }>('select pg_database_size(current_database())::text as size')
    return Number(r.rows[0].size)
  } finally {
    await client.end()
  }
}
