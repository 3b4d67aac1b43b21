// `npm start`, `npm run crm` and `npm run bench`: compile only when a source changed since the last build, then run the
// compiled entry point in this same process, so a service manager's SIGTERM reaches the server and nothing is left behind.
// `npm install` and `npm run build` build through here too (--build-only), so the first start trusts the install's build.
// Plain JavaScript because it runs before anything is compiled.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { BROWSER_ENTRIES, BROWSER_OUT, bundleBrowserScripts } from './browser-bundles.mjs'
import { writeFileIndexes } from './file-indexes.mjs'
import { BUNDLES, bundleEntries } from './entry-bundles.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SOURCE_DIRS = ['core', 'cli', 'api', 'mcp', 'console', 'bench']
const BUILD_FILES = ['tsconfig.json', 'tsconfig.build.json', 'cli/browser-bundles.mjs']

/** When the newest source, folder (a file removed or renamed) or build setting changed, in ms since the epoch. */
function newestSourceChange() {
  let newest = Math.max(...BUILD_FILES.map((f) => statSync(join(root, f)).mtimeMs))
  for (const dir of SOURCE_DIRS) {
    newest = Math.max(newest, statSync(join(root, dir)).mtimeMs)
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isDirectory() || entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
    }
  }
  return newest
}

/** Written after every clean build; tsc itself does not touch its output when a source was saved unchanged. */
const STAMP = join(root, 'dist/.built')

/** When dist/ was last built cleanly, or 0 (also when a browser bundle, the server's or the CLI's is missing from it). */
function lastBuild() {
  if (!BROWSER_ENTRIES.every((name) => existsSync(join(root, BROWSER_OUT, `${name}.js`)))) return 0
  if (!Object.values(BUNDLES).every((bundle) => existsSync(join(root, bundle)))) return 0
  return statSync(STAMP, { throwIfNoEntry: false })?.mtimeMs ?? 0
}

/** Whether a source changed since the last clean build; looked at once per run (it stats every source file). */
let stale
function isStale() {
  stale ??= lastBuild() <= newestSourceChange()
  return stale
}

/**
 * Removes the compiled files whose source is gone (tsc never does): domains are found by their folders in dist/ too
 * (core/domains/index.ts), so a removed or renamed domain must not live on there.
 */
function removeOrphans() {
  const dist = join(root, 'dist')
  for (const dir of SOURCE_DIRS) {
    if (!existsSync(join(dist, dir))) continue
    for (const entry of readdirSync(join(dist, dir), { recursive: true, withFileTypes: true })) {
      const compiled = join(entry.parentPath, entry.name)
      const source = join(root, compiled.slice(dist.length + 1))
      if (entry.isDirectory() && !existsSync(source)) rmSync(compiled, { recursive: true, force: true })
      else if (/\.js(\.map)?$/.test(entry.name) && !existsSync(source.replace(/\.js(\.map)?$/, '.ts'))) rmSync(compiled, { force: true })
    }
  }
}

/**
 * Bundles the browser scripts and compiles into dist/ when stale; returns tsc's exit status (0 when nothing needed
 * building, 2 when it wrote output with type errors), or 1 when a browser script did not bundle.
 */
async function buildIfStale() {
  const started = Date.now()
  if (!isStale()) return 0
  // A domain, page or other file found by convention, added or removed since the indexes were written, is in the build at once.
  writeFileIndexes(root)
  try {
    await bundleBrowserScripts(root)
  } catch (err) {
    process.stderr.write(`The browser scripts did not bundle:\n${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  })
  // Its output goes to stderr so that stdout stays the command's own (crm --json is piped).
  // Stamped with the time the build started, so a source saved during it makes the next start build again.
  if (r.status === 0) {
    removeOrphans()
    try {
      await bundleEntries(root)
    } catch (err) {
      process.stderr.write(`The server or the CLI did not bundle:\n${err instanceof Error ? err.message : String(err)}\n`)
      return 1
    }
    ensureNewCluster()
    writeFileSync(STAMP, `${new Date(started).toISOString()}\n`)
    utimesSync(STAMP, started / 1000, started / 1000)
  }
  return r.status ?? 1
}

/**
 * Makes the new embedded cluster a new database is unpacked from (cli/new-cluster.ts), when the build has none for the
 * installed engine: seconds once, instead of initdb's seconds at every first start.
 */
function ensureNewCluster() {
  const script = join(root, 'dist/cli/new-cluster.js')
  if (!existsSync(script) || existsSync(newClusterPath())) return
  spawnSync(process.execPath, [script], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] })
}

/** Where core/db/new-cluster.ts keeps the new cluster of the installed engine (named after its version, as there). */
function newClusterPath() {
  try {
    const { version } = JSON.parse(readFileSync(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'))
    return join(root, 'dist', `pglite-initdb-${version}.tar.gz`)
  } catch {
    return ''
  }
}

const [entry, ...rest] = process.argv.slice(2)
if (entry && entry !== '--build-only' && isStale()) process.stderr.write('Building (sources changed since the last build)...\n')
if (entry === '--build-only') {
  const status = await buildIfStale()
  if (status === 0) ensureNewCluster()
  process.exit(status)
} else if (!entry) {
  process.stderr.write('Usage: node cli/launch.mjs <entry, e.g. api/main> [arguments]\n')
  process.exit(2)
} else {
  const status = await buildIfStale()
  if (status !== 0) {
    process.stderr.write(`The build failed (tsc exit ${status}); nothing was started.\n`)
    process.exit(1)
  }
  // The entry point reads its own arguments from process.argv, as when it is run directly.
  const file = join(root, Object.hasOwn(BUNDLES, entry) ? BUNDLES[entry] : `dist/${entry}.js`)
  process.argv = [process.argv[0], file, ...rest]
  await import(pathToFileURL(file).href)
}
