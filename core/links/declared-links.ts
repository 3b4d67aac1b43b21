import { readdirSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { isSecretLink, type SecretLink } from './secret-link.js'

const here = fileURLToPath(import.meta.url)

/**
 * Every kind of secret link, found by convention: each `*-links` file of a domain folder exports its kinds, made by
 * defineSecretLink. Taken in the order of their paths; a kind name declared twice is refused.
 */
async function discoverLinkKinds(domains: string, extension: string): Promise<SecretLink[]> {
  const found: SecretLink[] = []
  const folders = readdirSync(domains, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
  for (const folder of folders) {
    const files = readdirSync(join(domains, folder))
      .filter((f) => f.endsWith(`-links${extension}`))
      .sort()
    for (const file of files) {
      const exports = (await import(pathToFileURL(join(domains, folder, file)).href)) as Record<string, unknown>
      for (const value of Object.values(exports)) {
        if (!isSecretLink(value) || found.includes(value)) continue
        if (found.some((k) => k.kind === value.kind)) throw new Error(`Link kind ${value.kind} is declared twice (${folder}/${file})`)
        found.push(value)
      }
    }
  }
  return found
}

/** The link kinds the domains declare, found once at start. */
export const LINK_KINDS: readonly SecretLink[] = await discoverLinkKinds(join(dirname(here), '..', 'domains'), extname(here))
