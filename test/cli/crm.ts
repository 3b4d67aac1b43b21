import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { root } from '../helpers/build.js'
import { unpackMigratedDataDir } from '../helpers/migrated-data-dir.js'
import { deployDatabase } from '../helpers/deploy-database.js'
import { postgresTemplateName } from '../helpers/template.js'
import { removeFolder } from '../helpers/temp-folders.js'

/** The build helpers, where the CLI's tests have always imported them from. */
export { buildIfStale, root } from '../helpers/build.js'

/** What one run of the CLI printed and its exit code. */
export interface CrmRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Where the CLI keeps its data in a test: an embedded data folder or a PostgreSQL database, empty at first. */
export interface CrmTarget {
  env: Record<string, string>
  /**
   * Opens the same data from the test process to set up and read it around the CLI (after the CLI exited: the embedded
   * engine is single-process); on PostgreSQL as the tests' inspector, which sees every business's rows.
   */
  open(): Promise<Database>
  dataDir: string
  dispose(): Promise<void>
}

/** An empty place for the CLI's data on the engine: a new folder, or a new database on TEST_DATABASE_URL's server. */
export function emptyTarget(engine: 'pglite' | 'postgres'): Promise<CrmTarget> {
  return newTarget(engine, false)
}

/**
 * A place for the CLI's data already migrated, for tests of what comes after the first start: the run's migrated template
 * unpacked into a new folder (the dump is a tar of the data folder) or copied into a new database. Saves each such file
 * an initdb and the migrations (seconds on a busy machine); the first start itself is tested from an empty target.
 */
export function migratedTarget(engine: 'pglite' | 'postgres'): Promise<CrmTarget> {
  return newTarget(engine, true)
}

async function newTarget(engine: 'pglite' | 'postgres', migrated: boolean): Promise<CrmTarget> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'crm-cli-')), 'data')
  if (migrated && engine === 'pglite') unpackMigratedDataDir(dataDir)
  const removeDir = () => removeFolder(dirname(dataDir))
  if (engine === 'pglite') {
    return {
      env: { CRM_DATA_DIR: dataDir },
      dataDir,
      open: () => openPglite(dataDir),
      async dispose() {
        removeDir()
      },
    }
  }
  // Not crm_test_: the suite's teardown drops every crm_test_ database, also those of a run still going in parallel.
  const name = `crm_cli_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const { url, inspectorUrl, dispose } = await deployDatabase(name, migrated ? postgresTemplateName : 'template0')
  return {
    env: { CRM_DATA_DIR: dataDir, DATABASE_URL: url },
    dataDir,
    open: async () => openPostgres(inspectorUrl, 2),
    async dispose() {
      await dispose()
      removeDir()
    },
  }
}

/** Runs `node bin/crm.js ...args` from the repository root with the target's configuration. */
export function crm(target: Pick<CrmTarget, 'env'>, ...args: string[]): Promise<CrmRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...target.env }
  if (!target.env.DATABASE_URL) delete env.DATABASE_URL
  delete env.LOG_LEVEL
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/crm.js'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }))
  })
}

/** Opens the target's database, runs fn and closes it again, so the CLI can claim the data folder next. */
export async function inDatabase<T>(target: CrmTarget, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await target.open()
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}
