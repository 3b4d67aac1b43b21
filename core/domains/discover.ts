import type { DomainManifest } from '../kernel/domain-manifest.js'

/** One domain as the index gives it: its folder's name, what its front file exports, and its manifest among them. */
export interface DomainModule {
  domain: string
  exports: Record<string, unknown>
  manifest: DomainManifest
}

/** Whether a value is an operation: what defineAction or defineQuery returns. */
function isDefinition(value: unknown): boolean {
  const kind = (value as { kind?: unknown } | null)?.kind
  return typeof value === 'object' && (kind === 'action' || kind === 'query')
}

/** Whether a value looks like what defineDomain returns. */
function isManifest(value: unknown): value is DomainManifest {
  const m = value as { uses?: unknown; tables?: unknown } | null
  return typeof value === 'object' && value !== null && Array.isArray(m?.uses) && Array.isArray(m?.tables)
}

/**
 * A domain as its front file exports it; a front file exporting no operation, or no manifest (`export const domain =
 * defineDomain(...)`), stops start-up, naming its domain.
 */
export function checkedDomain(domain: string, exports: Record<string, unknown>): DomainModule {
  if (!Object.values(exports).some(isDefinition)) throw new Error(`Domain ${domain}: its front file exports no action or query`)
  if (!isManifest(exports.domain))
    throw new Error(`Domain ${domain}: its front file exports no manifest (export const domain = defineDomain(...))`)
  return { domain, exports, manifest: exports.domain }
}
