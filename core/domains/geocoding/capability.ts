import { type Capability, integrationOf } from '../../kernel/plug-in.js'
import type { Services } from '../../kernel/context.js'
import type { Geocoder } from './geocoder.js'
import { geocodingBriefingLine } from './briefing.js'
import { locateAddresses } from './locate-job.js'
import { geocoderFromEnv, geocodingOffWhy } from './settings.js'

/** What geocoding plugs into the product (core/kernel/plug-in.ts): the geocoder, the worker's lookups and the banner's line. */
export const geocodingCapability: Capability = {
  name: 'geocoding',
  client: (config) => geocoderFromEnv(config.environment),
  // Beside the other jobs, one run per process: a batch may take the geocoder a minute, and due emails never wait for it.
  jobs: [{ name: 'geocoding', failure: 'locating addresses failed', pass: locateAddresses }],
  banner: (services) => `geocoding: ${describeGeocoding(services)}`,
  briefing: geocodingBriefingLine,
}

/** The banner's words: which geocoder places addresses and where, or that none does and what is missing then. */
export function describeGeocoding(services: Pick<Services, 'integrations'> & { config?: Pick<Services['config'], 'environment'> }): string {
  const geocoder = integrationOf<Geocoder>(services, 'geocoding')
  if (!geocoder) {
    return `${geocodingOffWhy(services.config?.environment ?? {})}: addresses get no point on the map and keep their town and ZIP code alone`
  }
  return `addresses located by ${geocoder.name} at ${geocoder.baseUrl} in the background, at most ${geocoder.batchSize} a call, ${geocoder.gapMs} ms apart`
}
