import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: the nearest folder above this file with package.json (this file runs from console/ or dist/console/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('No package.json above console/browser-script')
    dir = up
  }
  return dir
}

/**
 * The bundled text of a browser script (console/browser/<name>.ts), as the build wrote it to dist/browser/<name>.js
 * (cli/browser-bundles.mjs, run by `npm start`, `npm run build` and the tests' setup whenever a source changed).
 */
export function browserScript(name: 'closeout' | 'technician-pages' | 'search' | 'service-worker'): string {
  const file = join(repositoryRoot(), 'dist/browser', `${name}.js`)
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build, which bundles the browser scripts`)
  return readFileSync(file, 'utf8')
}
