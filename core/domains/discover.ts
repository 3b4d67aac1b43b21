import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** One domain as discovery finds it: its folder's name and what its front file exports. */
export interface DomainModule {
  domain: string
  exports: Record<string, unknown>
}

/** Whether a value is an operation: what defineAction or defineQuery returns. */
function isDefinition(value: unknown): boolean {
  const kind = (value as { kind?: unknown } | null)?.kind
  return typeof value === 'object' && (kind === 'action' || kind === 'query')
}

/**
 * Every domain under the given folder, in the order of their names: each subfolder is a domain, and its front file
 * (`index` with the given extension, .ts from the sources, .js once compiled) exports every operation of the domain. A
 * folder without a front file, or a front file exporting no operation, stops start-up: a domain is never silently left out.
 */
export async function discoverDomains(folder: string, extension: string): Promise<DomainModule[]> {
  const domains = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
  const found: DomainModule[] = []
  for (const domain of domains) {
    const front = join(folder, domain, `index${extension}`)
    if (!existsSync(front)) throw new Error(`Domain folder ${domain} has no front file index${extension} exporting its operations`)
    const exports = (await import(pathToFileURL(front).href)) as Record<string, unknown>
    if (!Object.values(exports).some(isDefinition)) throw new Error(`Domain ${domain}: its front file exports no action or query`)
    found.push({ domain, exports })
  }
  return found
}
