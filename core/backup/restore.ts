import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../kernel/config.js'
import { copyFolder } from '../db/copy-folder.js'
import { lockDataDir } from '../db/data-dir-lock.js'
import { migrateWithin } from '../db/migrate.js'
import { isNewCluster } from '../db/new-cluster.js'
import { openDatabase } from '../db/open.js'
import { openPgliteThread } from '../db/pglite-thread.js'
import { rolesOf } from '../db/roles.js'
import type { Database, Queryable } from '../db/types.js'
import { documentStoreFor } from '../documents/choose-store.js'
import { checkArchive, openArchive } from './archive.js'
import { loadArchive, migrationsFor, RestoreRefused } from './load.js'
import { BackupsOff, makeBackup } from './make.js'
import { ArchiveError } from './archive-error.js'
import { migratedTemplate } from './schema-template.js'

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
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'backup' | 'documents' | 'databasePreparedStatements' | 'databaseRolePrefix'>,
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
  let db: Database | undefined
  let release = () => {}
  let fromTemplate = false
  // What the embedded folder was before, so a failure leaves it so: absent, empty, or holding what it held.
  const folderBefore = config.databaseUrl ? null : folderState(config.dataDir)
  if (config.databaseUrl) {
    db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      databasePreparedStatements: config.databasePreparedStatements,
      databaseRolePrefix: config.databaseRolePrefix,
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
  }
  const replacing = Boolean(keptAt && config.databaseUrl)
  try {
    if (!db) {
      const lock = lockDataDir(config.dataDir, 'crm restore')
      release = () => lock.release()
      // A folder with no database yet starts as a copy of one migrated to the archive's schema, as a first start would
      // migrate it: the migrations' seconds of CPU are spent once per schema, not at every restore.
      if (isNewCluster(config.dataDir)) {
        fromTemplate = true
        await copyFolder(await migratedTemplate(migrationsFor(checked.manifest), 'first start'), config.dataDir)
      }
      db = await openPgliteThread(config.dataDir)
    }
    const target = db
    const { entries } = await openArchive(file, key)
    const documents = documentStoreFor(config as Config, target)
    const loaded = await loadArchive(target, entries, (tx, tenantId, sha256, bytes) => documents.put(tx, tenantId, sha256, bytes), {
      // A server's business is emptied inside the restore's transaction: a failure leaves it in place.
      before: replacing ? emptyDatabase : fromTemplate ? appliedNow : undefined,
      afterRows: afterRestore,
      after: (tx) => migrateWithin(tx, rolesOf(target)),
    })
    return {
      restored: file,
      into,
      scope: checked.about.scope,
      created_at: checked.about.created_at,
      counts: loaded.summary.counts,
      migrated: loaded.migrated,
      replaced_kept_at: keptAt,
      revoked: loaded.afterRows ?? 0,
    }
  } catch (err) {
    await db?.close().catch(() => {})
    release()
    if (!config.databaseUrl) putFolderBack(config.dataDir, folderBefore, keptAt)
    throw new RestoreFailed(err, into, keptAt && config.databaseUrl ? keptAt : null)
  } finally {
    await db?.close().catch(() => {})
    release()
  }
}

/** A restore that stopped part way: what went wrong, that the target is as it was, and what to do. */
export class RestoreFailed extends Error {
  constructor(cause: unknown, into: string, archivedBefore: string | null) {
    const reason = cause instanceof Error ? cause.message.replace(/\.?$/, '') : String(cause)
    const code = (cause as { code?: unknown })?.code
    const todo =
      code === '42501'
        ? 'The role in DATABASE_URL may not do this: restore as the role that owns the database, made as docs/deploy.md makes it (`createuser --createrole crm`, `createdb --owner crm crm`).'
        : code === '23503'
          ? "The archive's rows do not fit together (a row names another that is not in it): restore an earlier archive."
          : cause instanceof RestoreRefused || cause instanceof ArchiveError
            ? ''
            : 'Check the database with `crm doctor`, then run the restore again: the archive is untouched.'
    super(
      [
        `The restore did not finish: ${reason}.`,
        `Nothing was written: ${into} is as it was${archivedBefore ? ` (and what it held is also in ${archivedBefore})` : ''}.`,
        todo,
      ]
        .filter(Boolean)
        .join(' '),
      { cause },
    )
    this.name = 'RestoreFailed'
  }
}

/** What an embedded data folder holds before a restore: nothing (absent), an empty folder, or something. */
type FolderState = 'absent' | 'empty' | 'held'

function folderState(dataDir: string): FolderState {
  if (!existsSync(dataDir)) return 'absent'
  return readdirSync(dataDir).length ? 'held' : 'empty'
}

/**
 * After a failed restore into the embedded engine: a folder the restore made goes, one it found empty is emptied again,
 * and a business set aside with --replace comes back. A folder that held a database without a business keeps it (the
 * load's transaction was rolled back).
 */
function putFolderBack(dataDir: string, before: FolderState | null, keptAt: string | null): void {
  if (keptAt || before === 'absent') rmSync(dataDir, { recursive: true, force: true })
  else if (before === 'empty') for (const entry of readdirSync(dataDir)) rmSync(join(dataDir, entry), { recursive: true, force: true })
  if (keptAt) renameSync(keptAt, dataDir)
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

/** A copied template's migrations are recorded as applied by this restore, as they would be had it migrated them itself. */
async function appliedNow(tx: Queryable): Promise<void> {
  await tx.exec('update schema_migrations set applied_at = now(); update schema_functions set applied_at = now()')
}

/** Empties a server's database for --replace, once what it held is in a verified archive (inside the restore's transaction). */
async function emptyDatabase(tx: Queryable): Promise<void> {
  await tx.exec('drop schema public cascade; create schema public; grant usage on schema public to public')
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
