import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'
import { modulesNamedIn } from '../helpers/imports.js'

/**
 * The product's layers, each with the layers below it that it may import (besides itself). core is the base and knows
 * none of the others: its domains (the approvals queue among them) and what they are built on. The console (the pages
 * people use) and mcp are peers over core: neither imports the other, nor the api that mounts them, so what both need
 * from a request lives in core. api composes everything below it; cli and bench are entry points that nothing else imports.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  console: ['core'],
  mcp: ['core'],
  api: ['core', 'console', 'mcp'],
  cli: ['core', 'console', 'mcp', 'api'],
  bench: ['core', 'console', 'mcp', 'api'],
}

/** One import that runs against the layering, said so a reader can find and judge it. */
type Violation = string

/** The imports in a file (a path from the repository root, with / separators) that break the layering. */
function violationsIn(file: string, source: string): Violation[] {
  const layer = file.split('/')[0]
  const allowed = [layer, ...(MAY_IMPORT[layer] ?? [])]
  const found: Violation[] = []
  for (const { specifier, line } of modulesNamedIn(source)) {
    if (!specifier.startsWith('.')) continue // a package, not one of ours
    const target = posix.normalize(posix.join(posix.dirname(file), specifier)).split('/')[0]
    if (allowed.includes(target)) continue
    const why = target in MAY_IMPORT ? `${target} is not below ${layer}` : `${target} is no product layer`
    found.push(`${file}:${line} imports '${specifier}': ${why} (${layer} may import ${allowed.join(', ')})`)
  }
  return found
}

/** The top-level folders the build compiles: the product, as opposed to its tests. */
function productFolders(): string[] {
  const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] }
  return build.include
}

/** Every .ts file of the product, as a path from the repository root with / separators. */
function productFiles(): string[] {
  return productFolders().flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => relative(root, join(e.parentPath, e.name)).split(/[\\/]/).join('/')),
  )
}

describe('layers: no import runs up a layer', () => {
  const files = productFiles()

  it('every folder the build compiles has its place in the layering', () => {
    expect(productFolders().filter((folder) => !(folder in MAY_IMPORT))).toEqual([])
  })

  it('no product file imports from a layer above its own or beside it', () => {
    expect(files.length).toBeGreaterThan(100)
    const violations = files.flatMap((file) => violationsIn(file, readFileSync(join(root, file), 'utf8')))
    expect(violations).toEqual([])
  })

  it('the check sees every form of import: static, type-only, export-from, dynamic and import types', () => {
    const source = [
      `import { a } from '../api/app.js'`,
      `import type { B } from '../mcp/server.js'`,
      `export * from '../console/home.js'`,
      `const cli = await import('../cli/main.js')`,
      `let run: typeof import('../bench/run.js')`,
      `import { errors } from './errors.js'`,
      `import express from 'express'`,
    ].join('\n')
    expect(violationsIn('core/example.ts', source).map((v) => v.split(' imports ')[1].split(':')[0])).toEqual([
      `'../api/app.js'`,
      `'../mcp/server.js'`,
      `'../console/home.js'`,
      `'../cli/main.js'`,
      `'../bench/run.js'`,
    ])
    expect(violationsIn('core/example.ts', source)[0]).toBe(
      `core/example.ts:1 imports '../api/app.js': api is not below core (core may import core)`,
    )
  })

  it('the check tells the allowed directions from the forbidden ones', () => {
    expect(violationsIn('api/app.ts', `import { x } from '../console/home.js'`)).toEqual([])
    expect(violationsIn('console/owner/page.ts', `import { x } from '../../core/kernel/errors.js'`)).toEqual([])
    expect(violationsIn('console/owner/page.ts', `import { x } from '../../api/app.js'`)).toHaveLength(1)
    expect(violationsIn('console/owner/page.ts', `import { x } from '../../mcp/server.js'`)).toHaveLength(1)
    expect(violationsIn('mcp/http.ts', `import { x } from '../console/home.js'`)).toHaveLength(1)
    expect(violationsIn('console/owner/page.ts', `import { x } from '../../core/domains/approvals/queue.js'`)).toEqual([])
    expect(violationsIn('core/domains/approvals/gate.ts', `import { x } from '../../../console/owner/home-page.js'`)).toHaveLength(1)
    expect(violationsIn('api/app.ts', `import { x } from '../bench/run.js'`)).toHaveLength(1)
    expect(violationsIn('bench/run.ts', `import { x } from '../cli/main.js'`)).toHaveLength(1)
    expect(violationsIn('core/x.ts', `import { x } from '../test/helpers/app.js'`)[0]).toContain('test is no product layer')
  })
})
