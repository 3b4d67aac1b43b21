import { unreachedWhy } from '../../http/unreached.js'
import type { Point } from '../routes/metric.js'
import { RouterError } from './road-router.js'

/** What a router answered: its HTTP status, its headers, and its body read as JSON (undefined when it is not JSON). */
export interface RouterAnswer {
  status: number
  headers: Headers
  body: unknown
}

/** How long a router may take to answer one call before the call is given up. */
export const ROUTER_TIMEOUT_MS = 10_000

/**
 * GETs one router URL within timeoutMs. `who` names the router in the error's words ("OSRM at http://..."); `secret`
 * (an access token in the URL) is blanked out of any words the network gives back.
 */
export async function askRouter(who: string, url: string, timeoutMs: number, secret?: string): Promise<RouterAnswer> {
  let res: Response
  let text: string
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    text = await res.text()
  } catch (error) {
    const what =
      error instanceof Error && error.name === 'TimeoutError'
        ? `gave no answer within ${seconds(timeoutMs)}`
        : `could not be reached (${unreachedWhy(error)})`
    throw new RouterError(withoutSecret(`${who} ${what}`, secret))
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: res.status, headers: res.headers, body }
}

/** The points as a router's URL path takes them: "longitude,latitude;..." to 6 decimals (about 10 cm). */
export function coordinatesOf(points: readonly Point[]): string {
  return points.map((p) => `${degrees(p.longitude, 180)},${degrees(p.latitude, 90)}`).join(';')
}

/** The `message` a router's JSON body carries (its first 300 characters), or nothing. */
export function messageOf(body: unknown): string {
  const message = (body as { message?: unknown } | undefined)?.message
  return typeof message === 'string' && message.trim() ? message.trim().slice(0, 300) : ''
}

/** The `code` a router's JSON body carries ("Ok", "NoRoute", ...), or nothing. */
export function codeOf(body: unknown): string {
  const code = (body as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? code : ''
}

/** The words for an HTTP status that no rule of the router's own explains: rate limited, failed, or refused. */
export function statusTrouble(who: string, status: number, said: string): string {
  const what = status === 429 ? 'is rate limiting these requests' : status >= 500 ? 'failed on its side' : 'refused the request'
  return `${who} ${what} (HTTP ${status}${said ? `: ${said}` : ''})`
}

/** Words with a secret blanked out, so a token never reaches a log or a page. */
export function withoutSecret(words: string, secret: string | undefined): string {
  return secret ? words.split(secret).join('[token]') : words
}

function degrees(value: number, most: number): string {
  if (!Number.isFinite(value) || Math.abs(value) > most) throw new RangeError(`${value} is not a coordinate on the earth`)
  return String(Number(value.toFixed(6)))
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}
