// Bundles the compiled server (dist/api/main.js and every product module it imports) into one file with esbuild, the
// packages left to node_modules: the server then loads one module of its own instead of about 1,200, which was most of
// its start (docs/benchmarks.md, start). Run by cli/launch.mjs after tsc; `npm start` and the systemd unit run the
// bundle, while the CLI, the tests and `node dist/api/main.js` keep using the compiled files it was made from. Every
// file the product reads beside its code (migrations, the engine thread's entry, the browser bundles) is found from the
// repository root, so it is found from the bundle too. Plain JavaScript because it runs before anything is compiled.
import { join } from 'node:path'

/** The bundle, under the repository root. */
export const SERVER_BUNDLE = 'dist/api/main.bundle.js'

/** The entry the bundle stands for: `node cli/launch.mjs api/main` runs the bundle. */
export const BUNDLED_ENTRY = 'api/main'

/** Bundles dist/api/main.js into SERVER_BUNDLE; rejects with esbuild's message when it cannot. */
export async function bundleServer(root) {
  // Loaded here, not at the top: every start imports this file for the names above, and only a build bundles.
  const { build } = await import('esbuild')
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'dist', `${BUNDLED_ENTRY}.js`)],
    outfile: join(root, SERVER_BUNDLE),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'silent',
  })
}
