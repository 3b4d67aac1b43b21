import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FILE_INDEXES } from '../../cli/file-indexes.mjs'
import { CAPABILITIES } from '../../core/domains/plugged-in.js'
import { root } from '../helpers/build.js'
import { modulesNamedIn } from '../helpers/imports.js'

/**
 * The files every capability once had to edit, and the collectors that replaced those edits: they loop over what the
 * capabilities declare (core/domains/plugged-in.ts, console/owner/capability-parts.ts) and never name one.
 */
const CENTRAL_FILES = [
  'core/kernel/config.ts',
  'core/kernel/context.ts',
  'core/kernel/services.ts',
  'core/jobs/worker.ts',
  'core/jobs/pass-jobs.ts',
  'core/jobs/overdue.ts',
  'core/monitoring/webhooks.ts',
  'core/domains/index.ts',
  'core/domains/plugged-in.ts',
  'core/domains/personal-data.ts',
  'api/app.ts',
  'api/server.ts',
  'api/routes/capability-webhooks.ts',
  'mcp/workflows/daily-briefing.ts',
  'console/owner/capability-parts.ts',
  'console/owner/home/home-page.ts',
  'console/owner/home/home-sections.ts',
  'console/owner/search/page-places.ts',
  'console/owner/settings/settings-page.ts',
  'console/owner/invoices/invoice-page.ts',
  'console/owner/contacts/customer-detail.ts',
  'cli/doctor/webhooks.ts',
]

/** A capability's name as code and prose spell it: inbound-email is also inbound_email, inboundEmail and "inbound email". */
function spellings(name: string): RegExp {
  return new RegExp(name.split('-').join('[-_ ]?'), 'i')
}

/** Each line of a source naming one of the capabilities, said so a reader can find it. */
function namings(file: string, source: string, names: readonly string[]): string[] {
  return source
    .split('\n')
    .flatMap((line, i) =>
      names.filter((name) => spellings(name).test(line)).map((name) => `${file}:${i + 1} names ${name}: ${line.trim().slice(0, 100)}`),
    )
}

/** The folder a file of the repository lives in, under one of a capability's names (core/domains/weather/, console/owner/weather/). */
function capabilityOf(file: string, names: readonly string[]): string | undefined {
  return file
    .split('/')
    .slice(0, -1)
    .find((segment) => names.includes(segment))
}

/** The generated indexes of files found by convention (cli/file-indexes.mjs): they list folders' files and name no capability by hand. */
const GENERATED_INDEXES: readonly string[] = FILE_INDEXES.map((spec) => spec.index)

/** Each file's static relative imports, read once: every central file's walk crosses most of the product. */
const importsOf = new Map<string, string[]>()

/** The files one file imports for what they run (relative, static). */
function staticImports(file: string): string[] {
  let found = importsOf.get(file)
  if (!found) {
    found = modulesNamedIn(readFileSync(join(root, file), 'utf8'))
      .filter(({ specifier, kind }) => kind === 'static' && specifier.startsWith('.'))
      .map(({ specifier }) => posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts'))
    importsOf.set(file, found)
  }
  return found
}

/**
 * Every file a central file loads, following its static imports (a type-only import loads nothing; a dynamic one is how
 * discovery finds domains and pages), each with the chain that reaches it from the central file.
 */
function loadedFrom(start: string): Map<string, string[]> {
  const reached = new Map<string, string[]>([[start, [start]]])
  const queue = [start]
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const target of staticImports(file)) {
      if (GENERATED_INDEXES.includes(target) || reached.has(target) || !existsSync(join(root, target))) continue
      reached.set(target, [...(reached.get(file) ?? []), target])
      queue.push(target)
    }
  }
  return reached
}

describe('capabilities plug in', () => {
  const names = CAPABILITIES.map((c) => c.name)

  it('are collected from their domains', () => {
    expect(names).toEqual(expect.arrayContaining(['google', 'inbound-email', 'quickbooks']))
  })

  it('are named by no central file: each contributes from its own folders', () => {
    const found = CENTRAL_FILES.flatMap((file) => namings(file, readFileSync(join(root, file), 'utf8'), names))
    expect(found).toEqual([])
  })

  it("are loaded by no central file: nothing a central file imports, however far, lives in a capability's folders", () => {
    const found = CENTRAL_FILES.flatMap((file) =>
      [...loadedFrom(file)].flatMap(([target, chain]) => {
        const capability = capabilityOf(target, names)
        return capability ? [`${chain.join(' -> ')} loads ${capability}`] : []
      }),
    )
    expect(found).toEqual([])
  })

  it('the import check follows static imports across files and skips type-only and dynamic ones', () => {
    const reached = loadedFrom('core/domains/weather/index.ts')
    expect(capabilityOf('core/domains/weather/capability.ts', names)).toBe('weather')
    expect([...reached.keys()]).toContain('core/domains/weather/capability.ts')
    expect([...loadedFrom('core/domains/index.ts').keys()]).not.toContain('core/domains/front-files.ts')
  })

  it('reach the pages, the api and the tools through services.capabilities, never by importing the collector', () => {
    // A page file is loaded while the domains are still being found; importing the collector there waits for them forever.
    const importers = ['api', 'console', 'mcp'].flatMap((folder) =>
      readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => relative(root, join(e.parentPath, e.name)).split(/[\\/]/).join('/'))
        .filter((file) => /domains\/plugged-in\.js'/.test(readFileSync(join(root, file), 'utf8'))),
    )
    expect(importers).toEqual([])
  })

  it('the check sees a name however it is spelled', () => {
    const source = [
      "import { x } from './quickbooks.js'",
      'inboundEmailSettings()',
      "name: 'inbound_email'",
      '// Inbound email',
      'books',
    ].join('\n')
    expect(namings('f.ts', source, ['quickbooks', 'inbound-email']).map((n) => n.split(' names ')[0])).toEqual([
      'f.ts:1',
      'f.ts:2',
      'f.ts:3',
      'f.ts:4',
    ])
  })
})
