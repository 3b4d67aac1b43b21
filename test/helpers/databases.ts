import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openPglite } from '../../core/db/pglite.js'
import { openPgliteThread } from '../../core/db/pglite-thread.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { dumpBlob, pgliteTemplatePath, postgresTemplateName, withDatabase } from './template.js'

/** The engines every database test runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const engines: Array<'pglite' | 'postgres'> = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']

/** A migrated, empty database of its own, and how to throw it away. */
export interface TestDatabase {
  db: Database
  /** The server URL of this database (postgres only): for a second process or client. */
  url?: string
  /** Closes it; a PostgreSQL database is dropped with the rest of the run's at its end. */
  dispose(): Promise<void>
}

/**
 * The engines a test can ask for: 'pglite-thread' is PGlite in a worker thread, as the server and the CLI run it.
 * CRM_TEST_PGLITE_THREAD=1 runs every 'pglite' test there too.
 */
export type TestEngine = 'pglite' | 'pglite-thread' | 'postgres'

/** A fresh copy of the migrated template on the given engine. */
export async function freshDatabase(engine: TestEngine): Promise<TestDatabase> {
  if (engine === 'pglite-thread' || (engine === 'pglite' && process.env.CRM_TEST_PGLITE_THREAD === '1')) {
    const db = await openPgliteThread(undefined, dumpBlob(pgliteTemplatePath))
    return { db, dispose: () => db.close() }
  }
  if (engine === 'pglite') {
    const db = await openPglite(undefined, dumpBlob(pgliteTemplatePath))
    return { db, dispose: () => db.close() }
  }
  const server = process.env.TEST_DATABASE_URL as string
  const name = `crm_test_${process.env.CRM_TEST_RUN ?? 'adhoc'}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`create database ${name} template ${postgresTemplateName}`)
  await admin.end()
  const url = withDatabase(server, name)
  const db = openPostgres(url, 40)
  return {
    db,
    url,
    // Dropping a database takes seconds on a busy server; the run's global teardown drops all of its databases at once.
    dispose: () => db.close(),
  }
}
