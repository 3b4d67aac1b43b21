import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import pg from 'pg'
import { PERSONAL_DATA } from '../../core/domains/personal-data.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import { writePersonalData } from '../../core/personal-data/write.js'
import { buildIfStale } from './build.js'
import { dropMemoryTablespace, memoryTablespace } from './memory-tablespace.js'
import { memoryRunFolder } from './run-folder.js'
import { removeFolder } from './temp-folders.js'
import {
  asDeployRole,
  deployRole,
  inspectorRole,
  pgliteEmptyPath,
  pgliteTemplatePath,
  postgresTemplateName,
  trimForCopies,
} from './template.js'

/**
 * The embedded engine's dumps, when the cache has none for these migrations: the empty cluster, then the migrated template.
 * The cluster comes from the one the build made (core/db/new-cluster.ts), as a first start's does, instead of initdb's seconds.
 */
async function makePgliteTemplates(): Promise<void> {
  if (existsSync(pgliteTemplatePath) && existsSync(pgliteEmptyPath)) return
  const db = await openPglite(undefined)
  try {
    const empty = await db.dumpDataDir()
    writeFileSync(pgliteEmptyPath, Buffer.from(await empty.arrayBuffer()))
    await migrate(db)
    await writePersonalData(db, PERSONAL_DATA)
    await trimForCopies(db)
    const dump = await db.dumpDataDir()
    writeFileSync(pgliteTemplatePath, Buffer.from(await dump.arrayBuffer()))
  } finally {
    await db.close()
  }
}

/** How many connections drop the run's databases at its end: well under PostgreSQL's default 100 connections. */
const DROPPERS = 32

/**
 * Once per run: builds dist/ (tests run the CLI and server from it) and the migrated templates, with the product's
 * declarations of personal data written as a start writes them: a PGlite dump and, with TEST_DATABASE_URL, a server database.
 * The PGlite data folder is also dumped before it is migrated, for the tests that need an empty database.
 */
export default async function setup() {
  buildIfStale()
  // Test databases are named after this run, so its teardown never drops another run's databases.
  process.env.CRM_TEST_RUN ??= randomBytes(3).toString('hex')
  const run = process.env.CRM_TEST_RUN
  // The workers, and the processes they start, write their temporary files to the run's folder in memory where there is
  // one; the dumps below stay where they were (template.ts reads CRM_TEST_CACHE_DIR), kept for the next run.
  process.env.CRM_TEST_CACHE_DIR ??= tmpdir()
  const runFolder = memoryRunFolder()
  if (runFolder) process.env.TMPDIR = runFolder
  const removeRunFolder = () => {
    if (runFolder) removeFolder(runFolder)
  }
  // The embedded template is made while the server makes its own: each waits on the other's engine much of the time.
  const pgliteReady = makePgliteTemplates()
  pgliteReady.catch(() => {})
  const url = process.env.TEST_DATABASE_URL
  if (!url) {
    await pgliteReady
    return removeRunFolder
  }
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    // The deploy role, as docs/deploy.md makes it: may log in and create roles, is no superuser and creates no database.
    await admin.query(`do $$ begin create role ${deployRole} login createrole; exception when duplicate_object then null; end $$`)
    // Bypassing row level security needs a superuser to grant: the one thing here the deploy role could not make itself.
    await admin.query(`do $$ begin create role ${inspectorRole} login bypassrls; exception when duplicate_object then null; end $$`)
    await admin.query(`grant ${deployRole} to ${inspectorRole}`)
    // A commit of the run's roles answers before its log reaches the disk: what a test sees is the same (a commit is as
    // visible, a conflict as refused), only a crash of the server would lose the last commits, which no test makes (the
    // test of recovery runs a cluster of its own). test/domains on the server: 5 to 7% of its wall and of PostgreSQL's CPU.
    for (const role of [deployRole, inspectorRole]) await admin.query(`alter role ${role} set synchronous_commit = off`)
    // The run's databases in its memory folder where the server can keep them there (memory-tablespace.ts).
    const copy = await memoryTablespace(admin, url, runFolder, run)
    if (copy) process.env.CRM_TEST_DATABASE_COPY = copy
    const found = await admin.query('select 1 from pg_database where datname = $1', [postgresTemplateName])
    if (!found.rows.length) {
      const building = `${postgresTemplateName}_building_${process.pid}`
      await admin.query(`create database ${building} owner ${deployRole}`)
      const db = openPostgres(asDeployRole(url, building), 2)
      await migrate(db)
      await writePersonalData(db, PERSONAL_DATA)
      await db.close()
      await admin.query(`alter database ${building} rename to ${postgresTemplateName}`).catch(async () => {
        await admin.query(`drop database if exists ${building}`)
      })
    }
  } finally {
    await admin.end()
  }
  await pgliteReady
  return async () => {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    const left = (await c.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`crm_test_${run}_%`])).rows
    await c.end()
    // Many drops at a time: each requests a checkpoint and waits on the server's disk (removing its files), so drops side
    // by side share checkpoints and overlap on the disk. 60 databases took 9.7 s four at a time, 4.6 s thirty-two at a time.
    await Promise.all(
      Array.from({ length: Math.min(DROPPERS, left.length) }, async () => {
        const dropper = new pg.Client({ connectionString: url })
        await dropper.connect()
        for (let next = left.shift(); next; next = left.shift())
          await dropper.query(`drop database if exists ${next.datname} with (force)`).catch(() => {})
        await dropper.end()
      }),
    )
    const last = new pg.Client({ connectionString: url })
    await last.connect()
    await dropMemoryTablespace(last, run)
    await last.end()
    removeRunFolder()
  }
}
