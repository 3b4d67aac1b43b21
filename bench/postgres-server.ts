import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The URL with any password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparseable URL)'
  }
}

/** Null when the server answers, else why it does not. */
export async function unreachableReason(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return null
  } catch (err) {
    const e = err as { message?: string; code?: string }
    return `PostgreSQL at ${redactUrl(url)} is unreachable: ${e.message || e.code || String(err)} (set BENCH_DATABASE_URL)`
  } finally {
    await client.end().catch(() => {})
  }
}

/** A database of its own on the server, and how to drop it. */
export interface ScratchDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

/**
 * Creates a database with a unique name on the server at url: empty, or a copy of `template` (which must have no
 * connections), copied file by file rather than through the WAL, the quicker way for a large one.
 */
export async function createScratchDatabase(url: string, label: string, template?: string): Promise<ScratchDatabase> {
  const name = `crm_bench_${label}_${process.pid}_${randomBytes(3).toString('hex')}`
  await adminQuery(url, template ? `create database ${name} template ${template} strategy file_copy` : `create database ${name}`)
  const u = new URL(url)
  u.pathname = `/${name}`
  return { name, url: u.toString(), drop: () => adminQuery(url, `drop database if exists ${name} with (force)`) }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end().catch(() => {})
  }
}
