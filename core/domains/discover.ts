/** One domain as the index gives it: its folder's name and what its front file exports. */
export interface DomainModule {
  domain: string
  exports: Record<string, unknown>
}

/** Whether a value is an operation: what defineAction or defineQuery returns. */
function isDefinition(value: unknown): boolean {
  const kind = (value as { kind?: unknown } | null)?.kind
  return typeof value === 'object' && (kind === 'action' || kind === 'query')
}

/** A domain as its front file exports it; a front file exporting no operation stops start-up, naming its domain. */
export function checkedDomain(domain: string, exports: Record<string, unknown>): DomainModule {
  if (!Object.values(exports).some(isDefinition)) throw new Error(`Domain ${domain}: its front file exports no action or query`)
  return { domain, exports }
}
