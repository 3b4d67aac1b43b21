import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildIfStale, root } from '../helpers/build.js'

/** Every product source the server's or the CLI's bundle may hold (cli/entry-bundles.mjs bundles what api/main and cli/main import). */
function productSources(): string[] {
  return ['core', 'api', 'mcp', 'console', 'cli']
    .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)))
    .filter((f) => f.endsWith('.ts') && !f.startsWith(join('console', 'browser')))
}

describe('the server and the CLI run bundled: no product module depends on being a file of its own', () => {
  it('no module asks whether it is the main one (in the bundle every module has the bundle as its own URL)', () => {
    const asking = productSources().filter((f) =>
      /process\.argv\[1\]|import\.meta\.main|import\.meta\.filename/.test(readFileSync(join(root, f), 'utf8')),
    )
    expect(asking).toEqual([])
  })

  it("a file read beside the code is found by climbing to the root, or from dist/ by name: a module's own place is used only with that fallback", () => {
    const own = productSources().flatMap((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(/new URL\('([^']+)', import\.meta\.url\)/g)].map((m) => `${f}: ${m[1]}`),
    )
    // The engine thread's entry: beside the compiled file, else dist/'s copy (from the sources, or from a bundle in dist/server-bundle/ or dist/cli-bundle/).
    expect(own).toEqual([
      `${join('core', 'db', 'pglite-thread.ts')}: ./pglite-thread-worker.js`,
      `${join('core', 'db', 'pglite-thread.ts')}: ../../dist/core/db/pglite-thread-worker.js`,
    ])
  })

  it('the server bundle loads no package before its database starts opening: its entry imports none, however deep', () => {
    buildIfStale()
    const entry = join(root, 'dist/server-bundle/main.js')
    const packages = new Set<string>()
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      // Static imports only: a dynamic import() loads its chunk when main runs, after the opening began.
      for (const m of readFileSync(file, 'utf8').matchAll(/^import\s+(?:[^'"]*?from\s+)?["']([^"']+)["']/gms)) {
        if (m[1].startsWith('.')) visit(join(dirname(file), m[1]))
        else if (!m[1].startsWith('node:')) packages.add(m[1])
      }
    }
    visit(entry)
    expect(seen.size, 'the entry and the chunks it imports').toBeGreaterThan(1)
    expect([...packages]).toEqual([])
  }, 300_000)
})
