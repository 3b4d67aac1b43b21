import { checkedDomain, type DomainModule } from './discover.js'
import { plugInDomain } from '../kernel/domain-manifest.js'
import { FRONT_FILES } from './front-files.js'

/**
 * Every domain with what its front file exports, in the order of their names, from the generated index of the folders
 * beside this file (front-files.ts): adding a domain folder with its front file is the whole job of registering it.
 */
export const DOMAINS: readonly DomainModule[] = Object.entries(FRONT_FILES).map(([path, exports]) =>
  checkedDomain(path.split('/')[0], exports as Record<string, unknown>),
)

/** Every domain's operations: each front file exports its domain's operations. */
export const DOMAIN_MODULES: ReadonlyArray<Record<string, unknown>> = DOMAINS.map((d) => d.exports)

// Each domain's parts go into the extension points they name, in the order of the domains' names (a workflow's steps
// run in the order its owner declares, whatever order they are plugged in).
for (const { manifest } of DOMAINS) plugInDomain(manifest)
