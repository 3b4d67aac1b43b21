import type { Point } from '../routes/metric.js'
import { type RoadRouter, RouterError } from './road-router.js'
import { legsOf, roadlessTable, tableOf } from './router-answers.js'
import {
  askRouter,
  codeOf,
  coordinatesOf,
  messageOf,
  ROUTER_TIMEOUT_MS,
  type RouterAnswer,
  statusTrouble,
  withoutSecret,
} from './router-call.js'
import { chainedRoute, type TableTile, tiledTable } from './router-tiles.js'

/** How Mapbox's navigation APIs are reached: the base URL, the account's access token, and the routing profile. */
export interface MapboxRouterSettings {
  baseUrl: string
  token: string
  /** driving (the default), driving-traffic, walking or cycling. */
  profile?: string
  timeoutMs?: number
}

/** Mapbox's limits on the points of one request: a matrix takes 25 (10 with live traffic), a route 25 waypoints. */
const MATRIX_MOST = 25
const TRAFFIC_MATRIX_MOST = 10
const DIRECTIONS_MOST = 25

/**
 * Mapbox: road tables through the Matrix API (/directions-matrix/v1; larger sets in tiles of sources × destinations,
 * each pair asked once, as Mapbox bills by pair) and a route's legs through the Directions API (/directions/v5; longer
 * routes in consecutive pieces).
 */
export function mapboxRouter(settings: MapboxRouterSettings): RoadRouter {
  const baseUrl = settings.baseUrl.replace(/\/+$/, '')
  const profile = settings.profile ?? 'driving'
  const timeoutMs = settings.timeoutMs ?? ROUTER_TIMEOUT_MS
  const who = `Mapbox at ${baseUrl}`
  const ask = (api: string, points: Point[], query: string): Promise<RouterAnswer> => {
    const path = `${api}/mapbox/${encodeURIComponent(profile)}/${coordinatesOf(points)}`
    return askRouter(who, `${baseUrl}${path}?${query}access_token=${encodeURIComponent(settings.token)}`, timeoutMs, settings.token)
  }
  return {
    name: 'mapbox',
    baseUrl,
    table: (points) =>
      tiledTable(points, profile === 'driving-traffic' ? TRAFFIC_MATRIX_MOST : MATRIX_MOST, async (tilePoints, tile) => {
        const answer = await ask('/directions-matrix/v1', tilePoints, `${tileQuery(tile)}annotations=duration,distance&`)
        const code = codeOf(answer.body)
        // The whole request without a road between any two of its points: each pair is one with no road.
        if (answer.status === 200 && code === 'NoRoute') return roadlessTable(tile.sources, tile.destinations)
        if (answer.status !== 200 || code !== 'Ok')
          throw new RouterError(withoutSecret(troubleOf(who, profile, 'table', answer), settings.token))
        const table = tableOf(answer.body, tile.sources.length, tile.destinations.length)
        if (!table) throw new RouterError(`${who} answered a table that does not match the points sent`)
        return table
      }),
    route: (points) =>
      chainedRoute(points, DIRECTIONS_MOST, async (piece) => {
        const answer = await ask('/directions/v5', piece, 'overview=false&')
        if (answer.status !== 200 || codeOf(answer.body) !== 'Ok')
          throw new RouterError(withoutSecret(troubleOf(who, profile, 'route', answer), settings.token))
        const legs = legsOf(answer.body, piece.length - 1)
        if (!legs) throw new RouterError(`${who} answered a route whose legs do not match the points sent`)
        return legs
      }),
  }
}

/** A tile's sources and destinations as the Matrix API takes them (indexes joined by ";"), or nothing for all of them. */
function tileQuery(tile: TableTile): string {
  return tile.whole ? '' : `sources=${tile.sources.join(';')}&destinations=${tile.destinations.join(';')}&`
}

/** Why Mapbox gave no table or route, in words: the token, the rate limit, the input, a code of its own, or the status. */
function troubleOf(who: string, profile: string, service: 'table' | 'route', answer: RouterAnswer): string {
  const code = codeOf(answer.body)
  const message = messageOf(answer.body)
  const said = [code, message].filter(Boolean).join(': ')
  const status = `HTTP ${answer.status}${said ? `: ${said}` : ''}`
  switch (answer.status) {
    case 200:
      if (code === 'NoRoute') return `${who} found no road route through these points (${said})`
      if (code === 'NoSegment') return `${who} could not place one of the points on a road (${said})`
      return `${who} answered ${answer.body === undefined ? 'with something other than JSON' : `without a ${service} (${said || 'no code'})`}`
    case 401:
      return `${who} refused the access token (${status}): check CRM_MAPBOX_TOKEN`
    case 403:
      return `${who} refused this token access (${status}): it may be restricted to other URLs or lack this API's scope`
    case 404:
      return code === 'ProfileNotFound' ? `${who} has no routing profile "${profile}" (${status})` : statusTrouble(who, 404, said)
    case 422:
      return `${who} refused the request as invalid (${status})`
    case 429:
      return `${who} is rate limiting this token (${status})${limitOf(answer.headers)}`
    default:
      return statusTrouble(who, answer.status, said)
  }
}

/** The rate limit's terms from Mapbox's headers: how many requests in how many seconds, and when the count starts again. */
function limitOf(headers: Headers): string {
  const limit = Number(headers.get('x-rate-limit-limit'))
  const interval = Number(headers.get('x-rate-limit-interval'))
  const reset = Number(headers.get('x-rate-limit-reset'))
  const terms = limit > 0 && interval > 0 ? `at most ${limit} requests every ${interval} s` : ''
  const again = reset > 0 ? `the count starts again at ${new Date(reset * 1000).toISOString().replace('.000Z', 'Z')}` : ''
  const words = [terms, again].filter(Boolean).join('; ')
  return words ? `: ${words}` : ''
}
