#!/usr/bin/env node
// The operator CLI. It runs the compiled code in dist/, building it first on a checkout that was never built.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const main = join(root, 'dist', 'cli', 'main.js')

if (!existsSync(main)) {
  process.stderr.write('crm: first run, building the project (npm run build)...\n')
  // The build's output goes to stderr so that stdout stays the command's own (--json is piped).
  const built = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: root, stdio: ['ignore', process.stderr, process.stderr], shell: process.platform === 'win32',
  })
  // tsc still writes the output when it reports type errors; only a missing entry point stops us.
  if (!existsSync(main)) {
    process.stderr.write(`crm: the build failed${built.error ? ` (${built.error.message})` : ''}; run npm run build to see why\n`)
    process.exit(1)
  }
}

await import(pathToFileURL(main).href)
