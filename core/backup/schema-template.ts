import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DataDirInUse, type DataDirLock, lockDataDir } from '../db/data-dir-lock.js'
import { openPgliteThread } from '../db/pglite-thread.js'
import { functionsFor, migrate, type MigrationFile } from '../db/migrate.js'

/**
 * The role a verification restores as, made as docs/deploy.md makes the production one: it owns the database and may
 * create roles, and is no superuser, so row level security, ownership and the migrations' grants work as in a restore.
 */
export const VERIFYING_ROLE = 'crm_restore_check'

/**
 * Whose an empty migrated embedded database is: the verifying role's (a backup's verification), or the engine's own
 * user's, as a first start migrates one (a restore into an empty data folder).
 */
export type SchemaOwner = 'verifying role' | 'first start'

/** What runs before the migrations, for each owner. */
const SETUP: Record<SchemaOwner, string> = {
  'verifying role': `create role ${VERIFYING_ROLE} createrole;
    do $$ begin execute format('alter database %I owner to ${VERIFYING_ROLE}', current_database()); end $$;
    set session authorization ${VERIFYING_ROLE}`,
  'first start': '',
}

/**
 * The folder of an empty embedded database migrated to the given schema, made when there is none yet: the first use of a
 * schema migrates it file by file (seconds of CPU, in a thread ended before it is used), the next ones copy its folder.
 * Kept in this user's temporary folder, one per owner and schema.
 */
export async function migratedTemplate(files: MigrationFile[], owner: SchemaOwner): Promise<string> {
  const functions = functionsFor(files)
  const schema = createHash('sha256')
    .update([...files.map((f) => `${f.version}:${f.checksum}`), ...functions.map((f) => `${f.name}:${f.checksum}`)].join(','))
    .digest('hex')
    .slice(0, 24)
  const template = join(templatesFolder(), `${owner === 'verifying role' ? 'verify' : 'restore'}-${schema}`)
  if (existsSync(template)) return template
  // One process makes a schema's template while the others wait for it: two verifications at once (a start's backup
  // beside the nightly one, files of the tests side by side) each spent seconds of CPU migrating the same schema.
  const claim = await claimMaking(template)
  if (existsSync(template)) {
    claim?.release()
    return template
  }
  const partial = await mkdtemp(`${template}.part-`)
  try {
    const scratch = await openPgliteThread(partial, undefined, { use: 'one pass' })
    try {
      if (SETUP[owner]) await scratch.exec(SETUP[owner])
      await migrate(scratch, files, functions)
    } finally {
      await scratch.close()
    }
    // Made whole, then put in place under its name; another process that made it first keeps its own.
    await rename(partial, template).catch(() => {})
  } finally {
    await rm(partial, { recursive: true, force: true })
    claim?.release()
  }
  return template
}

/** How long a process waits for another one's making of a template before it makes its own. */
const MAKING_AT_MOST_MS = 10 * 60_000

/**
 * Claims the making of a template for this process (a lock in a folder beside it, as a data folder is claimed), or waits
 * while a living process holds that claim: answers null once the template is there, after waiting too long, or when the
 * claim cannot be made (the template is then made unclaimed, as two processes did before).
 */
async function claimMaking(template: string): Promise<DataDirLock | null> {
  const waitUntil = Date.now() + MAKING_AT_MOST_MS
  for (;;) {
    try {
      return lockDataDir(`${template}.making`, 'making a template for backups')
    } catch (err) {
      // Any other trouble with the claim (another process claiming at this very moment among them): made as before, unclaimed.
      if (!(err instanceof DataDirInUse)) return null
    }
    if (existsSync(template) || Date.now() > waitUntil) return null
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * This user's folder for templates in the system's temporary folder (private to the service under the systemd unit),
 * refused when someone else could have written into it.
 */
function templatesFolder(): string {
  const uid = process.getuid?.() ?? 0
  const dir = join(tmpdir(), `service-crm-${uid}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const stats = statSync(dir)
  if (stats.uid !== uid || (stats.mode & 0o022) !== 0)
    throw new Error(`${dir} is not this user's own folder (another user may write into it): remove it, and back up again`)
  return dir
}
