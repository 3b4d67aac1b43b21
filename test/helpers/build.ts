import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The built CLI as `crm` runs it (bundled, cli/entry-bundles.mjs), which tests run as a separate process. */
export const builtCli = join(root, 'dist/cli-bundle/main.js')

/** The built server as `npm start` and the systemd unit run it (bundled, cli/entry-bundles.mjs). */
export const builtServer = join(root, 'dist/server-bundle/main.js')

/** Compiles the project into dist/ when it is missing or older than the sources it is built from, as `npm start` does. */
export function buildIfStale(): void {
  const r = spawnSync(process.execPath, [join(root, 'cli/launch.mjs'), '--build-only'], { cwd: root, encoding: 'utf8' })
  // tsc exits 2 when it reports type errors but still wrote the output (the typecheck reports them); 1 means nothing was built.
  if (r.status !== 0 && r.status !== 2) throw new Error(`The build failed:\n${r.stdout}${r.stderr}`)
}
