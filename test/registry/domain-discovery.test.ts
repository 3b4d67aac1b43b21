import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { buildRegistry } from '../../api/product.js'
import { FILE_INDEXES, indexText } from '../../cli/file-indexes.mjs'
import { defineDomain } from '../../core/kernel/domain-manifest.js'
import { checkedDomain } from '../../core/domains/discover.js'
import { DOMAINS, DOMAIN_MODULES } from '../../core/domains/index.js'
import { root } from '../helpers/build.js'

const domainsFolder = join(root, 'core/domains')

/** The index of front files, as its generator reads a folder of domains made for one test. */
const FRONT_INDEX = FILE_INDEXES.find((spec) => spec.name === 'FRONT_FILES')!
const frontIndexOf = (folder: string) => indexText(folder, { ...FRONT_INDEX, index: 'front-files.ts' })

/** The domain folders of the sources: every folder under core/domains. */
const folders = readdirSync(domainsFolder, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)

/** A folder of domains made for one test, each given as {domain: front file text, or null for none}. */
function domainsAt(domains: Record<string, string | null>): string {
  const folder = mkdtempSync(join(tmpdir(), 'crm-domains-'))
  made.push(folder)
  for (const [domain, front] of Object.entries(domains)) {
    mkdirSync(join(folder, domain))
    writeFileSync(join(folder, domain, 'model.js'), 'export const helper = 1\n')
    if (front !== null) writeFileSync(join(folder, domain, 'index.ts'), front)
  }
  return folder
}
const made: string[] = []
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true })
})

const ACTION = `export const add = { kind: 'action', domain: 'thing', name: 'add' }\n`

describe('domains are found by their folders', () => {
  it('registers every domain folder, in the order of their names', () => {
    expect(DOMAIN_MODULES).toHaveLength(folders.length)
    expect(DOMAINS.map((d) => d.domain)).toEqual([...folders].sort())
  })

  it('registers every operation any file of a domain declares: none is left out of its front file', async () => {
    const registered = new Set<unknown>([...buildRegistry().actions.values(), ...buildRegistry().queries.values()])
    const missing: string[] = []
    for (const domain of folders) {
      for (const file of readdirSync(join(domainsFolder, domain), { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts')) continue
        const exports = (await import(pathToFileURL(join(domainsFolder, domain, file)).href)) as Record<string, unknown>
        for (const [name, value] of Object.entries(exports)) {
          const kind = (value as { kind?: string } | null)?.kind
          if ((kind === 'action' || kind === 'query') && !registered.has(value)) missing.push(`${domain}/${file}: ${name}`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  it('finds domains by the same convention once compiled, as `npm start` runs them', () => {
    // The test run builds dist/ first (test/helpers/global-setup.ts).
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/core/domains/index.js')).href)}); console.log(m.DOMAIN_MODULES.length)`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(Number(r.stdout.trim())).toBe(folders.length)
  })

  it('refuses a domain folder without a front file, naming it', () => {
    const folder = domainsAt({ alpha: ACTION, bravo: null })
    expect(() => frontIndexOf(folder)).toThrow('Domain folder bravo has no front file index.ts exporting its operations')
  })

  it('refuses a front file that exports no action or query, or no manifest, naming its domain', () => {
    const domain = defineDomain({ uses: [], tables: [] })
    expect(() => checkedDomain('bravo', { helper: 1, domain })).toThrow('Domain bravo: its front file exports no action or query')
    expect(() => checkedDomain('charlie', { add: { kind: 'action' }, uses: [], tables: [] })).toThrow(
      'Domain charlie: its front file exports no manifest (export const domain = defineDomain(...))',
    )
    const alpha = checkedDomain('alpha', { add: { kind: 'action' }, helper: 1, domain })
    expect(alpha.domain).toBe('alpha')
    expect(alpha.manifest).toBe(domain)
  })

  it("indexes each folder's front file by its name, in the order of the names, ignoring loose files", () => {
    const folder = domainsAt({ bravo: ACTION, 'alpha-beta': ACTION })
    writeFileSync(join(folder, 'loose.ts'), 'throw new Error("not a domain")\n')
    const text = frontIndexOf(folder)
    expect(text).toContain("import * as alphaBetaIndex from './alpha-beta/index.js'")
    expect(text.indexOf("'alpha-beta/index.ts': alphaBetaIndex,")).toBeLessThan(text.indexOf("'bravo/index.ts': bravoIndex,"))
    expect(text).not.toContain('loose')
  })
})
