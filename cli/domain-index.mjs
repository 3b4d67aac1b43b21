// The typed index of the domains (core/domains/front-files.ts): generated from the folders of core/domains, checked in, and
// written again by every build (cli/launch.mjs) and by `npm run generate`, so the compiler and an editor follow each
// domain from the registry to its front file. Plain JavaScript because it runs before anything is compiled.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The index's file name, beside the domain folders. */
export const INDEX_FILE = 'front-files.ts'

/** A folder's name as a JavaScript name: agent-tokens is agentTokens. */
function identifierOf(name) {
  return name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())
}

/**
 * The text of the index for the domain folders under `folder`, in the order of their names. A folder without its front
 * file (index.ts) is refused, naming it: a domain is never silently left out.
 */
export function domainIndexText(folder) {
  const domains = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
  for (const domain of domains) {
    if (!existsSync(join(folder, domain, 'index.ts')))
      throw new Error(`Domain folder ${domain} has no front file index.ts exporting its operations`)
  }
  const lines = [
    '// Generated from the folders of core/domains by cli/domain-index.mjs (every build, and npm run generate): do not edit.',
    '// test/registry/domain-discovery.test.ts fails when it no longer matches the folders.',
    ...domains.map((d) => `import * as ${identifierOf(d)} from './${d}/index.js'`),
    '',
    "/** Every domain's front file by its folder's name, in the order of their names. */",
    'export const FRONT_FILES = {',
    ...domains.map((d) => (identifierOf(d) === d ? `  ${d},` : `  '${d}': ${identifierOf(d)},`)),
    '} as const',
    '',
  ]
  return lines.join('\n')
}

/** Writes the index under `folder` when its text changed; returns whether it did. */
export function writeDomainIndex(folder) {
  const text = domainIndexText(folder)
  const file = join(folder, INDEX_FILE)
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false
  writeFileSync(file, text)
  return true
}
