import { mapboxRouter } from './mapbox-matrix.js'
import { osrmRouter } from './osrm.js'
import type { RoadRouter } from './road-router.js'

/** Mapbox's address; OSRM has none of its own, as each business runs its own server. */
const MAPBOX_URL = 'https://api.mapbox.com'

/**
 * The road router this configuration names (CRM_ROUTER: off, the default; osrm, at CRM_ROUTER_URL, which it needs; or
 * mapbox, with CRM_MAPBOX_TOKEN, at CRM_ROUTER_URL or Mapbox's own address); null when off, or when Mapbox is chosen
 * without its token (routerOffWhy says so). A wrong value stops start-up, naming it.
 */
export function roadRouterFromEnv(env: NodeJS.ProcessEnv): RoadRouter | null {
  const choice = (env.CRM_ROUTER ?? 'off').trim().toLowerCase()
  if (choice === 'off') return null
  if (choice !== 'osrm' && choice !== 'mapbox') throw new Error(`CRM_ROUTER must be off, osrm or mapbox, got '${env.CRM_ROUTER}'`)
  const given = env.CRM_ROUTER_URL?.trim()
  if (choice === 'osrm' && !given) {
    throw new Error('CRM_ROUTER_URL must be set with CRM_ROUTER=osrm: the address of your OSRM server, such as http://localhost:5000')
  }
  const baseUrl = (given || MAPBOX_URL).replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(baseUrl)) throw new Error(`CRM_ROUTER_URL must be an http(s) URL, got '${given}'`)
  if (choice === 'osrm') return osrmRouter({ baseUrl })
  const token = env.CRM_MAPBOX_TOKEN?.trim()
  return token ? mapboxRouter({ baseUrl, token }) : null
}

/** Why no road router measures the day under this configuration, in the banner's words. */
export function routerOffWhy(env: Readonly<NodeJS.ProcessEnv>): string {
  const choice = (env.CRM_ROUTER ?? 'off').trim().toLowerCase()
  const why = choice === 'mapbox' ? 'CRM_ROUTER=mapbox, but CRM_MAPBOX_TOKEN is not set' : 'CRM_ROUTER=off'
  return `off (${why}): distances are straight lines`
}
