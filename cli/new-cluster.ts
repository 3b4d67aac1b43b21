// Run by the build (cli/launch.mjs): makes the new embedded cluster every new database is unpacked from, once per
// version of the embedded engine (core/db/new-cluster.ts). A failure is said and leaves new databases to run initdb.
import { makeNewClusterDump } from '../core/db/new-cluster.js'

try {
  const done = await makeNewClusterDump()
  if (done.startsWith('made ')) process.stderr.write(`New embedded databases start from ${done.slice(5)}\n`)
} catch (err) {
  process.stderr.write(
    `Could not make the new embedded cluster (new databases will run initdb): ${err instanceof Error ? err.message : String(err)}\n`,
  )
}
