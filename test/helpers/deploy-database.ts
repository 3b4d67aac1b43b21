import pg from 'pg'
import { databaseCopyClause } from './memory-tablespace.js'
import { asDeployRole, asInspector, deployRole } from './template.js'

/**
 * A new database on TEST_DATABASE_URL's server, owned by the deploy role: the URL the deploy role reaches it by (for the
 * product) and the one the tests' inspector does (to read any business's rows around the product).
 */
export async function deployDatabase(
  name: string,
  template = 'template0',
): Promise<{ url: string; inspectorUrl: string; dispose(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL as string
  // The server's own role makes and drops it (the deploy role may not create databases, as in production: `createdb --owner`).
  await asServerAdmin(server, `create database ${name} owner ${deployRole} template ${template} ${databaseCopyClause()}`)
  return {
    url: asDeployRole(server, name),
    inspectorUrl: asInspector(server, name),
    dispose: () => asServerAdmin(server, `drop database if exists ${name} with (force)`),
  }
}

/** Runs one statement as TEST_DATABASE_URL's own role: making and dropping databases and roles, killing connections. */
export async function asServerAdmin(server: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: server })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}
