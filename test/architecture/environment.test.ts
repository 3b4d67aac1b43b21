import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'

/** The product's folders: what runs for a business (bench/ is the benchmark harness beside it, with BENCH_* settings of its own). */
const PRODUCT_FOLDERS = ['core', 'api', 'mcp', 'console', 'cli', 'bin']

/** The one file that reads the process environment: every variable is read, checked and documented there. */
const READS_ENVIRONMENT = ['core/kernel/config.ts']

/** Lines of a source that reach the process environment: process.env, process['env'], or env taken out of process. */
function environmentReads(source: string): number[] {
  const reach = /\bprocess\s*(?:\??\.\s*env\b|\[\s*['"`]env['"`]\s*\])|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/
  return source.split('\n').flatMap((line, i) => (reach.test(line) ? [i + 1] : []))
}

/** Every source file of the product (.ts, .js, .mjs), as a path from the repository root with / separators. */
function productFiles(): string[] {
  return PRODUCT_FOLDERS.flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ts|js|mjs)$/.test(e.name))
      .map((e) => relative(root, join(e.parentPath, e.name)).split(/[\\/]/).join('/')),
  )
}

describe('the environment is read in core/kernel/config.ts alone', () => {
  it('no other product file reads process.env', () => {
    const files = productFiles()
    expect(files.length).toBeGreaterThan(100)
    expect(files).toEqual(expect.arrayContaining(READS_ENVIRONMENT))
    const found = files
      .filter((file) => !READS_ENVIRONMENT.includes(file))
      .flatMap((file) => environmentReads(readFileSync(join(root, file), 'utf8')).map((line) => `${file}:${line}`))
    expect(found).toEqual([])
  })

  it('the check sees each way of reaching the environment, and not the word env elsewhere', () => {
    const reads = [
      'const a = process.env.PORT',
      "const b = process['env'].PORT",
      'const c = process?.env',
      'const { env } = process',
      'const { argv, env: e } = process',
    ]
    for (const line of reads) expect(environmentReads(line), line).toEqual([1])
    for (const line of ['loadConfig(env)', 'config.environment', 'const env = options.env', 'process.argv']) {
      expect(environmentReads(line), line).toEqual([])
    }
  })
})
