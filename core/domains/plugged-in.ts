import { type Capability, isCapability } from '../kernel/plug-in.js'
import { DOMAINS } from './index.js'

/**
 * Every capability, collected the way domains are found: a domain whose manifest (core/domains/domain-manifest.ts) names its `capability` (core/kernel/plug-in.ts)
 * plugs in its client, jobs, webhooks, banner line, briefing line, settings link and page places; its personal data is
 * found by core/domains/personal-data.ts, and its pages, Home card and record lines in its console folder. No file
 * lists capabilities by name. In the order of their folders' names; a capability named otherwise than its folder stops start-up.
 */
export const CAPABILITIES: readonly Capability[] = DOMAINS.flatMap(({ domain, manifest }) => {
  if (manifest.capability === undefined) return []
  if (!isCapability(manifest.capability) || manifest.capability.name !== domain)
    throw new Error(`Domain ${domain}: its manifest's capability must be named ${domain}`)
  return [manifest.capability]
})

/** Each capability's client for this configuration, by its name (services.integrations). */
export function integrationClients(config: Parameters<NonNullable<Capability['client']>>[0]): Record<string, unknown> {
  return Object.fromEntries(CAPABILITIES.flatMap((c) => (c.client ? [[c.name, c.client(config)]] : [])))
}
