import type { Point } from '../routes/metric.js'
import { type RoadRouter, RouterError } from './road-router.js'
import { legsOf, tableOf } from './router-answers.js'
import { askRouter, codeOf, coordinatesOf, messageOf, ROUTER_TIMEOUT_MS, type RouterAnswer, statusTrouble } from './router-call.js'
import { chainedRoute, type TableTile, tiledTable } from './router-tiles.js'

/** How a self-hosted OSRM server (HTTP API v5) is reached, and the limits it was started with. */
export interface OsrmSettings {
  baseUrl: string
  /** The profile in the URL; a server built from one profile answers any name. */
  profile?: string
  timeoutMs?: number
  /** osrm-routed's --max-table-size (default 100): a table request carries at most this many points. */
  maxTableSize?: number
  /** osrm-routed's --max-viaroute-size (default 500): a route request carries at most this many points. */
  maxRouteSize?: number
}

/** osrm-routed's own defaults for --max-table-size and --max-viaroute-size. */
const MAX_TABLE_SIZE = 100
const MAX_ROUTE_SIZE = 500

/**
 * OSRM's HTTP API v5: road tables through /table/v1 (larger sets in tiles of sources × destinations) and a route's legs
 * through /route/v1 (longer routes in consecutive pieces).
 */
export function osrmRouter(settings: OsrmSettings): RoadRouter {
  const baseUrl = settings.baseUrl.replace(/\/+$/, '')
  const profile = encodeURIComponent(settings.profile ?? 'driving')
  const timeoutMs = settings.timeoutMs ?? ROUTER_TIMEOUT_MS
  const who = `OSRM at ${baseUrl}`
  const ask = async (service: 'table' | 'route', points: Point[], query: string): Promise<unknown> => {
    const answer = await askRouter(who, `${baseUrl}/${service}/v1/${profile}/${coordinatesOf(points)}?${query}`, timeoutMs)
    if (answer.status === 200 && codeOf(answer.body) === 'Ok') return answer.body
    throw new RouterError(troubleOf(who, service, answer))
  }
  return {
    name: 'osrm',
    baseUrl,
    table: (points) =>
      tiledTable(points, settings.maxTableSize ?? MAX_TABLE_SIZE, async (tilePoints, tile) => {
        const body = await ask('table', tilePoints, `${tileQuery(tile)}annotations=duration,distance`)
        const table = tableOf(body, tile.sources.length, tile.destinations.length)
        if (!table) throw new RouterError(`${who} answered a table that does not match the points sent`)
        return table
      }),
    route: (points) =>
      chainedRoute(points, settings.maxRouteSize ?? MAX_ROUTE_SIZE, async (piece) => {
        const legs = legsOf(await ask('route', piece, 'overview=false&steps=false'), piece.length - 1)
        if (!legs) throw new RouterError(`${who} answered a route whose legs do not match the points sent`)
        return legs
      }),
  }
}

/** A tile's sources and destinations as OSRM's query takes them (indexes joined by ";"), or nothing for all of them. */
function tileQuery(tile: TableTile): string {
  return tile.whole ? '' : `sources=${tile.sources.join(';')}&destinations=${tile.destinations.join(';')}&`
}

/** Why OSRM gave no table or route, in words: its code and message (HTTP 400), or the status of whatever answered. */
function troubleOf(who: string, service: 'table' | 'route', answer: RouterAnswer): string {
  const code = codeOf(answer.body)
  const said = [code, messageOf(answer.body)].filter(Boolean).join(': ')
  if (answer.status === 400 && code) {
    if (code === 'NoRoute') return `${who} found no road route through these points (${said})`
    if (code === 'NoSegment')
      return `${who} could not place one of the points on a road (${said}): is it outside the map the server was built from?`
    if (code === 'TooBig') {
      const option = service === 'table' ? '--max-table-size' : '--max-viaroute-size'
      return `${who} refused the request as too big (${said}): the server was started with a smaller ${option} than this product asks of it`
    }
    return `${who} refused the request (${said})`
  }
  if (answer.status === 200)
    return `${who} answered ${answer.body === undefined ? 'with something other than JSON' : `without a ${service} (${said || 'no code'})`}`
  if (answer.status === 404 && !code) return `${who} answered HTTP 404: is CRM_ROUTER_URL the address of an OSRM server?`
  return statusTrouble(who, answer.status, said)
}
