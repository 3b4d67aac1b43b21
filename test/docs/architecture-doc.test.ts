import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'
import { existsInTree, pathsNamedIn } from './tree-paths.js'

describe('docs/architecture.md holds to the tree', () => {
  const text = readFileSync(join(root, 'docs/architecture.md'), 'utf8')

  it('names only files and folders that exist', () => {
    const named = pathsNamedIn(text)
    expect(named.length).toBeGreaterThan(50)
    expect(named.filter((path) => !existsInTree(path))).toEqual([])
  })

  it('says how to add a kind of email, a link kind and a capability', () => {
    const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1])
    for (const what of ['kind of email', 'link kind', 'capability'])
      expect(
        headings.some((h) => h.includes(what)),
        what,
      ).toBe(true)
  })

  it('the check sees a missing file and reads placeholders', () => {
    expect(pathsNamedIn('see `core/registry.ts` and core/domains/<name>/index.ts.')).toEqual([
      'core/domains/<name>/index.ts',
      'core/registry.ts',
    ])
    expect(existsInTree('core/domains/<name>/index.ts')).toBe(true)
    expect(existsInTree('core/domains/<name>/no-such-file.ts')).toBe(false)
    expect(existsInTree('core/no-such-file.ts')).toBe(false)
  })
})
