import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The built CLI entry point, which tests run as a separate process. */
export const builtCli = join(root, 'dist/cli/main.js')

/** Compiles the project into dist/ when it is missing or older than the sources it is built from. */
export function buildIfStale(): void {
  // The build info is written on every build that changed anything; an output file is not when its source did not change.
  const built = statSync(builtCli, { throwIfNoEntry: false }) ? statSync(join(root, 'dist/.tsbuildinfo'), { throwIfNoEntry: false })?.mtimeMs ?? 0 : 0
  const newest = Math.max(...['core', 'cli', 'api', 'mcp', 'authorization-queue', 'web-review', 'bench'].flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => statSync(join(root, dir, f)).mtimeMs)))
  if (built > newest) return
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' })
  // tsc exits 2 when it reports type errors but still wrote the output; only 1 (or no exit) means nothing was built.
  if (r.status !== 0 && r.status !== 2) throw new Error(`The build failed:\n${r.stdout}${r.stderr}`)
}
