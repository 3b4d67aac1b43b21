import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type pg from 'pg'
import { freeBytes } from './run-folder.js'

/*
 * A test file's PostgreSQL database is a copy of the migrated template (about 15 MB in some 970 files), kept until the
 * run's end. On the server's own disk each copy went block by block through the write-ahead log, and each new file's
 * inode search on ext4 grew with the files freed before it. In the run's memory folder, still through the log, 50 files
 * of test/domains took PostgreSQL 41 to 49 CPU seconds against 56 to 62 on its disk, and the machine 108 to 126 against
 * 128 to 142. There the copy is now a plain file copy (STRATEGY FILE_COPY, whose checkpoints then cost little): all of
 * test/domains 53 to 54 CPU seconds of PostgreSQL against 61 to 64, and a third of the log.
 */

/** Room the run's databases take in memory beside its files: about 350 copies of 15 MB, kept to the run's end. */
const ROOM_BYTES = 12 * 1024 ** 3

/** How a server on this machine is named in a URL (an empty host is a socket's). */
const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '[::1]'])

/** The prefix of every run's tablespace, so a later run finds those a run stopped halfway left. */
const PREFIX = 'crm_test_'

/** What a new test database's CREATE DATABASE adds, read by the workers (empty: the server's own disk). */
export function databaseCopyClause(): string {
  return process.env.CRM_TEST_DATABASE_COPY ?? ''
}

/**
 * Makes a tablespace for the run's databases in its memory folder, when the server runs on this machine as a user this
 * process may hand a folder to (root, as CI runs), and answers the clause a new database's CREATE DATABASE adds; else
 * undefined, and the databases stay on the server's disk. Drops first the tablespaces of earlier runs whose folder is
 * gone (the machine restarted), with their databases.
 */
export async function memoryTablespace(
  admin: pg.Client,
  url: string,
  runFolder: string | undefined,
  run: string,
): Promise<string | undefined> {
  if (!runFolder || !LOCAL_HOSTS.has(new URL(url).hostname)) return undefined
  try {
    await dropOrphanedTablespaces(admin)
    if (freeBytes(runFolder) < ROOM_BYTES) return undefined
    const dataDir = (await admin.query<{ data_directory: string }>('show data_directory')).rows[0].data_directory
    const owner = statSync(dataDir)
    const folder = join(runFolder, 'postgresql')
    mkdirSync(folder)
    chownSync(folder, owner.uid, owner.gid)
    chmodSync(folder, 0o700)
    const name = `${PREFIX}${run}`
    await admin.query(`create tablespace ${name} location '${folder}'`)
    const version = Number((await admin.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0].v)
    // PostgreSQL 15 copies block by block unless told; before 15 a copy was always a file copy, and had no such word.
    return version >= 150000 ? `tablespace ${name} strategy file_copy` : `tablespace ${name}`
  } catch {
    // Not the server's superuser, its folder not readable here, or this process may not give a folder away.
    return undefined
  }
}

/** Drops the run's tablespace once its databases are dropped; a database left in it (a failed drop) keeps it. */
export async function dropMemoryTablespace(admin: pg.Client, run: string): Promise<void> {
  await admin.query(`drop tablespace if exists ${PREFIX}${run}`).catch(() => {})
}

/** Drops the tablespaces of earlier runs whose folder no longer exists, and the databases left in them. */
async function dropOrphanedTablespaces(admin: pg.Client): Promise<void> {
  const spaces = await admin.query<{ oid: number; spcname: string; location: string }>(
    `select oid, spcname, pg_tablespace_location(oid) as location from pg_tablespace where spcname like $1`,
    [`${PREFIX}%`],
  )
  for (const s of spaces.rows) {
    if (existsSync(s.location)) continue
    const dbs = await admin.query<{ datname: string }>('select datname from pg_database where dattablespace = $1', [s.oid])
    for (const d of dbs.rows) await admin.query(`drop database if exists ${d.datname} with (force)`)
    await admin.query(`drop tablespace if exists ${s.spcname}`)
  }
}
