import { randomBytes } from 'node:crypto'
import { openPglite } from '../../core/db/pglite.js'
import { openPgliteThread } from '../../core/db/pglite-thread.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { asServerAdmin } from './deploy-database.js'
import { databaseCopyClause } from './memory-tablespace.js'
import { asDeployRole, asInspector, deployRole, dumpBlob, pgliteTemplatePath, postgresTemplateName } from './template.js'

/**
 * The engine a test of behaviour runs on: PostgreSQL when TEST_DATABASE_URL is set (as production runs), else PGlite.
 * That both engines behave alike is proved by the generated registry tests and the database tests (bothEngines).
 */
export const engines: Array<'pglite' | 'postgres'> = process.env.TEST_DATABASE_URL ? ['postgres'] : ['pglite']

/** The one engine of behaviour, for a file that runs its tests once rather than per engine (engines holds it alone). */
export const behaviourEngine: 'pglite' | 'postgres' = engines[0]

/**
 * Both engines, for a test that proves they behave alike or checks what differs between them (each says why): PGlite
 * always, PostgreSQL when TEST_DATABASE_URL is set.
 */
export const bothEngines: Array<'pglite' | 'postgres'> = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']

/** A migrated, empty database of its own, and how to throw it away. */
export interface TestDatabase {
  /** The product's connection: the deploy role on PostgreSQL, as in production. */
  db: Database
  /**
   * The test's own way around the product, to set up and read rows of any business directly: on PostgreSQL a role that
   * bypasses row level security (template.ts, inspectorRole); on PGlite the same connection as db.
   */
  admin: Database
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
    return { db, admin: db, dispose: () => db.close() }
  }
  if (engine === 'pglite') {
    const db = await openPglite(undefined, dumpBlob(pgliteTemplatePath))
    return { db, admin: db, dispose: () => db.close() }
  }
  const server = process.env.TEST_DATABASE_URL as string
  const name = `crm_test_${process.env.CRM_TEST_RUN ?? 'adhoc'}_${randomBytes(4).toString('hex')}`
  // The server's own role copies the template (the deploy role may not create databases); the copy is the deploy role's.
  await asServerAdmin(server, `create database ${name} owner ${deployRole} template ${postgresTemplateName} ${databaseCopyClause()}`)
  const url = asDeployRole(server, name)
  const db = openPostgres(url, 40)
  const admin = openPostgres(asInspector(server, name), 4)
  return {
    db,
    admin,
    url,
    // Dropping a database takes seconds on a busy server; the run's global teardown drops all of its databases at once.
    dispose: async () => {
      await admin.close()
      await db.close()
    },
  }
}
