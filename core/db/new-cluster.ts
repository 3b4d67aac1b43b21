import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { BytesBlob } from './bytes-blob.js'
import { MIGRATIONS_DIR } from './migrate.js'

/*
 * A new embedded database starts as PostgreSQL's initdb leaves a cluster, which in the embedded engine takes about 6 s
 * of CPU (7 to 8 s on this project's 2-core machines) on every first start and for every migrated template a restore
 * into an empty folder or a backup's verification copies (core/backup/schema-template.ts). The build makes that cluster once and keeps it, compressed, beside the compiled code; a new
 * database is then unpacked from it in about 1.6 s of CPU. It holds no data and no schema of ours (the migrations still
 * run on it, every one), only what initdb writes, so it is named after the engine's version that wrote it.
 */

const ROOT = dirname(MIGRATIONS_DIR)

/** The version of the embedded engine installed, or null when its package cannot be read. */
function engineVersion(): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'))
    return typeof pkg.version === 'string' ? pkg.version : null
  } catch {
    return null
  }
}

const VERSION = engineVersion()
const PREFIX = 'pglite-initdb-'

/** Where the build keeps the new cluster for the installed engine, or null when the engine's version is unknown. */
export const NEW_CLUSTER_PATH = VERSION ? join(ROOT, 'dist', `${PREFIX}${VERSION}.tar.gz`) : null

const read = new Map<string, Blob>()

/** The new cluster as the build made it, read once; undefined when there is none (a new database then runs initdb). */
export function newClusterDump(path = NEW_CLUSTER_PATH): Blob | undefined {
  if (!path) return undefined
  let dump = read.get(path)
  if (!dump && existsSync(path)) read.set(path, (dump = new BytesBlob(readFileSync(path))))
  return dump
}

/** True when dataDir holds no cluster yet (or none is named: a database in memory). */
export function isNewCluster(dataDir: string | undefined): boolean {
  return !dataDir || !existsSync(join(dataDir, 'PG_VERSION'))
}

/**
 * Makes the new cluster for the installed engine when the build has none (run by the build); removes those of other
 * versions. Answers what it did, for the build's output.
 */
export async function makeNewClusterDump(path = NEW_CLUSTER_PATH): Promise<string> {
  if (!path) return 'the embedded engine version is unknown: new databases run initdb'
  if (existsSync(path)) return `kept ${path}`
  // Loaded here only: the process that opens databases runs the engine in a thread of its own, not in this one.
  const { PGlite } = await import('@electric-sql/pglite')
  const db = await PGlite.create()
  try {
    const dump = await db.dumpDataDir('gzip')
    // Written whole under another name first: a build stopped halfway leaves no cut-off cluster to unpack.
    const partial = `${path}.partial-${process.pid}`
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()))
    renameSync(partial, path)
  } finally {
    await db.close()
  }
  const folder = dirname(path)
  for (const f of readdirSync(folder)) if (f.startsWith(PREFIX) && join(folder, f) !== path) rmSync(join(folder, f), { force: true })
  return `made ${path}`
}
