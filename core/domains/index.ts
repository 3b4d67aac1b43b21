import { dirname, extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type DomainModule, discoverDomains } from './discover.js'

const here = fileURLToPath(import.meta.url)

/** Every domain folder beside this file with what its front file exports, in the order of their names. */
export const DOMAINS: readonly DomainModule[] = await discoverDomains(dirname(here), extname(here))

/**
 * Every domain's operations, found by convention: each folder beside this file is a domain, and its index file exports
 * its operations. Adding a domain folder with its front file is the whole job of registering it.
 */
export const DOMAIN_MODULES: ReadonlyArray<Record<string, unknown>> = DOMAINS.map((d) => d.exports)
