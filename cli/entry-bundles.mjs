// Bundles the compiled server (dist/api/main.js) and the compiled CLI (dist/cli/main.js), each with every product module
// it imports, with esbuild, the packages left to node_modules: a start then loads a few modules of its own instead of
// about 1,200, which was most of the server's start and of a CLI command's (docs/benchmarks.md, start). Run by
// cli/launch.mjs after tsc; `npm start`, the systemd unit and `crm` run the bundles, while `node dist/api/main.js` and
// the tests that import the product keep using the compiled files they were made from. Every file the product reads
// beside its code (migrations, the engine thread's entry, the browser bundles) is found from the repository root, so it
// is found from a bundle too. Plain JavaScript because it runs before anything is compiled.
import { rmSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The server's bundle: a folder, the code the start needs first in its entry and the rest in chunks it imports, so the
 * database starts opening before the packages of the rest load (one file would import every package before any code
 * ran: a second of a start). Two levels under the root, so dist/'s copy of the engine thread's entry is found from it.
 */
export const SERVER_BUNDLE = 'dist/server-bundle/main.js'

/** The CLI's bundle: a folder, each command's code in chunks loaded when the command runs (as the compiled CLI imports them). */
export const CLI_BUNDLE = 'dist/cli-bundle/main.js'

/** The bundle each bundled entry runs from: `node cli/launch.mjs api/main` runs the server's, `cli/main` the CLI's. */
export const BUNDLES = { 'api/main': SERVER_BUNDLE, 'cli/main': CLI_BUNDLE }

/** Bundles the server and the CLI; rejects with esbuild's message when one cannot be. */
export async function bundleEntries(root) {
  // Loaded here, not at the top: every start imports this file for the names above, and only a build bundles.
  const { build } = await import('esbuild')
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'silent',
  }
  // Chunks are named after their content: those of an earlier build would stay beside the new ones.
  for (const [entry, bundle] of [
    ['dist/api/main.js', SERVER_BUNDLE],
    ['dist/cli/main.js', CLI_BUNDLE],
  ]) {
    const dir = join(root, bundle, '..')
    rmSync(dir, { recursive: true, force: true })
    await build({ ...common, entryPoints: [join(root, entry)], outdir: dir, splitting: true })
  }
}
