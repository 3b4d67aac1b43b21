import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { buildRegistry } from '../../api/product.js'
import { discoverDomains } from '../../core/domains/discover.js'
import { DOMAIN_MODULES } from '../../core/domains/index.js'
import { root } from '../helpers/build.js'

const domainsFolder = join(root, 'core/domains')

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
    if (front !== null) writeFileSync(join(folder, domain, 'index.js'), front)
  }
  return folder
}
const made: string[] = []
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true })
})

const ACTION = `export const add = { kind: 'action', domain: 'thing', name: 'add' }\n`

describe('domains are found by their folders', () => {
  it('registers every domain folder, in the order of their names', async () => {
    expect(DOMAIN_MODULES).toHaveLength(folders.length)
    expect((await discoverDomains(domainsFolder, '.ts')).map((d) => d.domain)).toEqual([...folders].sort())
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

  it('refuses a domain folder without a front file, naming it', async () => {
    const folder = domainsAt({ alpha: ACTION, bravo: null })
    await expect(discoverDomains(folder, '.js')).rejects.toThrow('Domain folder bravo has no front file index.js exporting its operations')
  })

  it('refuses a front file that exports no action or query, naming its domain', async () => {
    const folder = domainsAt({ alpha: ACTION, bravo: `export { helper } from './model.js'\n` })
    await expect(discoverDomains(folder, '.js')).rejects.toThrow('Domain bravo: its front file exports no action or query')
  })

  it('reads a front file as it is, ignoring the files beside it and the loose files of the folder', async () => {
    const folder = domainsAt({ bravo: ACTION, alpha: `export * from './model.js'\n${ACTION}` })
    writeFileSync(join(folder, 'loose.js'), 'throw new Error("not a domain")\n')
    const found = await discoverDomains(folder, '.js')
    expect(found.map((d) => d.domain)).toEqual(['alpha', 'bravo'])
    expect(Object.keys(found[0].exports).sort()).toEqual(['add', 'helper'])
  })
})
