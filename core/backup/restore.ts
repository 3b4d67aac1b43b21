import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import type { Config } from '../config.js'
import { lockDataDir } from '../db/data-dir-lock.js'
import { migrate } from '../db/migrate.js'
import { openDatabase } from '../db/open.js'
import { openPgliteThread } from '../db/pglite-thread.js'
import type { Database, Queryable } from '../db/types.js'
import { documentStoreFor } from '../documents/choose-store.js'
import { checkArchive, openArchive } from './archive.js'
import { loadArchive, migrationsFor, RestoreRefused } from './load.js'
import { BackupsOff, makeBackup } from './make.js'

/** What a restore did, as `crm restore --json` prints it. */
export interface RestoreResult {
  restored: string
  into: string
  /** The archive's businesses (its scope) and when it was made. */
  scope: string
  created_at: string
  counts: Record<string, number>
  /** Migrations applied after the archive's data was in (an archive made by an older version). */
  migrated: string[]
  /** Where what the target held before was kept (--replace). */
  replaced_kept_at: string | null
  /** Sessions, sign-in links, approval links and unused OAuth codes revoked: people sign in again. */
  revoked: number
}

/**
 * Restores an archive into what the configuration names (CRM_DATA_DIR or DATABASE_URL), so one archive moves a business
 * between engines. Refuses, writing nothing: a target holding a business without `replace` (which keeps the old one
 * aside, and says where), a missing or wrong key, a damaged or cut file, an archive from a newer schema. An older
 * archive is restored, then migrated. Every session and sign-in link is revoked afterwards.
 */
export async function restoreArchive(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'backup' | 'documents' | 'databasePreparedStatements'>,
  file: string,
  opts: { replace: boolean; now: () => Date },
): Promise<RestoreResult> {
  const key = config.backup.key
  if (!key) throw new BackupsOff()
  // Read through to the end first: a wrong key, a damaged byte or a cut file is found before anything is written.
  const checked = await checkArchive(file, key)
  migrationsFor(checked.manifest)
  const into = config.databaseUrl ? 'the PostgreSQL database of DATABASE_URL' : `the embedded database in ${config.dataDir}`
  let keptAt: string | null = null
  let db: Database
  let release = () => {}
  if (config.databaseUrl) {
    db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      databasePreparedStatements: config.databasePreparedStatements,
      databasePoolSize: 2,
    })
    try {
      if (await holdsBusiness(db)) {
        if (!opts.replace) throw refusal(into)
        const before = await makeBackup(
          { db, config, documents: documentStoreFor(config as Config, db), now: opts.now },
          { reason: 'before_restore' },
        )
        keptAt = before.file
        await emptyDatabase(db)
      }
    } catch (err) {
      await db.close()
      throw err
    }
  } else {
    if (await folderHoldsBusiness(config.dataDir)) {
      if (!opts.replace) throw refusal(into)
      keptAt = `${config.dataDir}.replaced-${opts
        .now()
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}Z$/, 'Z')}`
      renameSync(config.dataDir, keptAt)
    }
    const lock = lockDataDir(config.dataDir, 'crm restore')
    release = () => lock.release()
    db = await openPgliteThread(config.dataDir)
  }
  try {
    const { entries } = await openArchive(file, key)
    const documents = documentStoreFor(config as Config, db)
    const loaded = await loadArchive(db, entries, (tx, tenantId, sha256, bytes) => documents.put(tx, tenantId, sha256, bytes), afterRestore)
    const migrated = await migrate(db)
    return {
      restored: file,
      into,
      scope: checked.header.scope,
      created_at: checked.header.created_at,
      counts: loaded.summary.counts,
      migrated,
      replaced_kept_at: keptAt,
      revoked: loaded.afterRows ?? 0,
    }
  } catch (err) {
    if (keptAt && !config.databaseUrl) {
      // Nothing half-restored stays where the business was: the folder set aside goes back.
      await db.close().catch(() => {})
      release()
      rmSync(config.dataDir, { recursive: true, force: true })
      renameSync(keptAt, config.dataDir)
      throw err
    }
    if (keptAt)
      throw new Error(`${(err as Error).message}. What the database held before is in the verified archive ${keptAt}`, { cause: err })
    throw err
  } finally {
    await db.close().catch(() => {})
    release()
  }
}

function refusal(into: string): RestoreRefused {
  return new RestoreRefused(
    `${into} already holds a business: nothing was written. Restore into an empty one, or add --replace to keep what is there aside and restore over it`,
  )
}

/** Whether a migrated database holds any business (the first start's record, or a business row). */
async function holdsBusiness(db: Queryable): Promise<boolean> {
  const r = await db.query<{ t: string | null }>(`select to_regclass('installation')::text as t`)
  if (!r.rows[0]?.t) return false
  const any = await db.query<{ found: boolean }>(
    'select exists (select 1 from installation) or exists (select 1 from operator_businesses()) as found',
  )
  return any.rows[0].found
}

/** Whether an embedded data folder holds a business; an absent or empty folder holds none. */
async function folderHoldsBusiness(dataDir: string): Promise<boolean> {
  if (!existsSync(dataDir) || !readdirSync(dataDir).some((f) => f === 'PG_VERSION' || f === 'base')) return false
  const lock = lockDataDir(dataDir, 'crm restore')
  try {
    const db = await openPgliteThread(dataDir)
    try {
      return await holdsBusiness(db)
    } finally {
      await db.close()
    }
  } finally {
    lock.release()
  }
}

/** Empties a server's database for --replace, once what it held is in a verified archive. */
async function emptyDatabase(db: Database): Promise<void> {
  await db.exec('drop schema public cascade; create schema public; grant usage on schema public to public')
}

/**
 * Sessions, sign-in links, owners' approval links and unused OAuth codes end with a restore: people sign in again. And a
 * restored business counts as the first start's, so the next start makes no new one (an archive of one business
 * holds that record only when it was the first).
 */
async function afterRestore(tx: Queryable): Promise<number> {
  await tx.query('insert into installation (first_tenant_id) select id from tenants order by created_at limit 1 on conflict do nothing')
  let revoked = 0
  for (const table of ['sessions', 'magic_links', 'approval_links', 'oauth_codes']) {
    const r = await tx.query(`delete from ${table}`)
    revoked += r.rowCount
  }
  return revoked
}
