import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'
import { modulesNamedIn } from '../helpers/imports.js'

const DOMAINS = 'core/domains'

/** Each domain folder under core/domains. */
function domainFolders(): string[] {
  return readdirSync(join(root, DOMAINS), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
}

/** Every import from one domain into another (or a shared file of core/domains), with the file and line that makes it. */
function crossImports(): Array<{ from: string; to: string; at: string }> {
  const found: Array<{ from: string; to: string; at: string }> = []
  for (const domain of domainFolders()) {
    const files = readdirSync(join(root, DOMAINS, domain), { recursive: true, withFileTypes: true }).filter(
      (e) => e.isFile() && e.name.endsWith('.ts'),
    )
    for (const f of files) {
      const file = relative(root, join(f.parentPath, f.name)).split(/[\\/]/).join('/')
      for (const { specifier, line } of modulesNamedIn(readFileSync(join(root, file), 'utf8'))) {
        if (!specifier.startsWith('.')) continue
        const target = posix.normalize(posix.join(posix.dirname(file), specifier))
        if (!target.startsWith(`${DOMAINS}/`)) continue
        const to = target
          .slice(DOMAINS.length + 1)
          .split('/')[0]
          .replace(/\.js$/, '')
        if (to !== domain) found.push({ from: domain, to, at: `${file}:${line} imports '${specifier}'` })
      }
    }
  }
  return found
}

/** Every file of core outside core/domains, as a path from the repository root with / separators. */
function kernelFiles(): string[] {
  return readdirSync(join(root, 'core'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)).split(/[\\/]/).join('/'))
    .filter((file) => !file.startsWith(`${DOMAINS}/`))
}

/** The kernel's files that still take the business's settings through the settings domain instead of core/vocabulary/business-settings.ts. */
const KERNEL_SETTINGS_DEBTS: readonly string[] = ['core/jobs/deliver.ts']

/** What each domain's front file says it uses. */
async function declaredUses(): Promise<Map<string, readonly string[]>> {
  const out = new Map<string, readonly string[]>()
  for (const domain of domainFolders()) {
    const front = (await import(join(root, DOMAINS, domain, 'index.ts'))) as { domain: { uses: readonly string[] } }
    out.set(domain, front.domain.uses)
  }
  return out
}

/** The groups of domains that reach each other through their uses (Tarjan's strongly connected components of two or more). */
function cycles(graph: Map<string, readonly string[]>): string[][] {
  let index = 0
  const order = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  const visit = (v: string) => {
    order.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!))
    }
    if (low.get(v) === order.get(v)) {
      const group: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        group.push(w)
      } while (w !== v)
      if (group.length > 1) groups.push(group.sort())
    }
  }
  for (const v of graph.keys()) if (!order.has(v)) visit(v)
  return groups
}

describe('core/domains: each domain names the domains it uses, and no two domains import each other', () => {
  it('every import of another domain is one its front file declares, named where it is made', async () => {
    const uses = await declaredUses()
    const undeclared = crossImports()
      .filter((i) => !(uses.get(i.from) ?? []).includes(i.to))
      .map((i) => `${i.at}: ${i.from} does not declare that it uses ${i.to}`)
    expect(undeclared).toEqual([])
  })

  it('declares no use it does not make', async () => {
    const made = new Set(crossImports().map((i) => `${i.from} -> ${i.to}`))
    const stale = [...(await declaredUses())].flatMap(([from, tos]) =>
      tos.filter((to) => !made.has(`${from} -> ${to}`)).map((to) => `${from} -> ${to}`),
    )
    expect(stale).toEqual([])
  })

  it('has no cycle: the domains form a tree, each importing only domains below it', async () => {
    expect(cycles(await declaredUses())).toEqual([])
  })

  it("core beneath the domains imports nothing from the settings domain: the business's settings row is core's own read", () => {
    const imports = kernelFiles().flatMap((file) =>
      modulesNamedIn(readFileSync(join(root, file), 'utf8'))
        .filter(({ specifier }) => specifier.startsWith('.'))
        .filter(({ specifier }) => posix.normalize(posix.join(posix.dirname(file), specifier)).startsWith(`${DOMAINS}/settings/`))
        .map(({ specifier, line }) => ({ file, at: `${file}:${line} imports '${specifier}'` })),
    )
    expect(imports.filter((i) => !KERNEL_SETTINGS_DEBTS.includes(i.file)).map((i) => i.at)).toEqual([])
    expect(KERNEL_SETTINGS_DEBTS.filter((debt) => !imports.some((i) => i.file === debt))).toEqual([])
  })

  it('finds a cycle it is shown', () => {
    const graph = new Map<string, readonly string[]>([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ])
    expect(cycles(graph)).toEqual([['a', 'b', 'c']])
  })
})
