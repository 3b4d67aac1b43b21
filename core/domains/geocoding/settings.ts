import { censusGeocoder } from './census.js'
import type { Geocoder } from './geocoder.js'
import { mapboxGeocoder } from './mapbox.js'

/** The providers' addresses, the Census service's current address ranges, and the least time between two of our calls. */
const CENSUS_URL = 'https://geocoding.geo.census.gov'
const MAPBOX_URL = 'https://api.mapbox.com'
const CENSUS_BENCHMARK = 'Public_AR_Current'
const DEFAULT_GAP_MS = 1000

/**
 * The geocoder this configuration names (CRM_GEOCODER: census, the default; mapbox, with CRM_MAPBOX_TOKEN; or off),
 * reached at CRM_GEOCODER_URL, with CRM_GEOCODER_GAP_MS between calls; null when off, or when Mapbox is chosen without
 * its token (geocodingOffWhy says so). A wrong value stops start-up, naming it.
 */
export function geocoderFromEnv(env: NodeJS.ProcessEnv): Geocoder | null {
  const choice = (env.CRM_GEOCODER ?? 'census').trim().toLowerCase()
  if (choice === 'off') return null
  if (choice !== 'census' && choice !== 'mapbox') throw new Error(`CRM_GEOCODER must be census, mapbox or off, got '${env.CRM_GEOCODER}'`)
  const baseUrl = (env.CRM_GEOCODER_URL?.trim() || (choice === 'mapbox' ? MAPBOX_URL : CENSUS_URL)).replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s]+$/.test(baseUrl)) throw new Error(`CRM_GEOCODER_URL must be an http(s) URL, got '${baseUrl}'`)
  const gapText = env.CRM_GEOCODER_GAP_MS?.trim()
  const gapMs = gapText ? Number(gapText) : DEFAULT_GAP_MS
  if (!Number.isInteger(gapMs) || gapMs < 0) throw new Error(`CRM_GEOCODER_GAP_MS must be a whole number of milliseconds, got '${gapText}'`)
  if (choice === 'mapbox') {
    const token = env.CRM_MAPBOX_TOKEN?.trim()
    return token ? mapboxGeocoder({ baseUrl, token, gapMs }) : null
  }
  return censusGeocoder({ baseUrl, benchmark: env.CRM_GEOCODER_BENCHMARK?.trim() || CENSUS_BENCHMARK, gapMs })
}

/** Why no geocoder places addresses under this configuration, in the banner's words. */
export function geocodingOffWhy(env: Readonly<NodeJS.ProcessEnv>): string {
  const choice = (env.CRM_GEOCODER ?? 'census').trim().toLowerCase()
  if (choice === 'mapbox') return 'off (CRM_GEOCODER=mapbox, but CRM_MAPBOX_TOKEN is not set)'
  return 'off (CRM_GEOCODER=off)'
}
