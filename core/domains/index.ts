import { dirname, extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { discoverDomains } from './discover.js'

const here = fileURLToPath(import.meta.url)

/**
 * Every domain's operations, found by convention: each folder beside this file is a domain, and its index file exports
 * its operations. Adding a domain folder with its front file is the whole job of registering it.
 */
export const DOMAIN_MODULES: ReadonlyArray<Record<string, unknown>> = (await discoverDomains(dirname(here), extname(here))).map(
  (d) => d.exports,
)
