import { createHash, timingSafeEqual } from 'node:crypto'
import type { Request } from 'express'
import { AppError } from '../../core/kernel/errors.js'

/**
 * The headers a client sends of itself: a browser, curl, Prometheus or `crm doctor` talking straight to the server. A
 * proxy or a CDN in between adds its own (Forwarded, X-Forwarded-*, Via, X-Real-IP, True-Client-IP, CF-Connecting-IP,
 * X-Client-IP, Fastly-Client-IP, X-Envoy-*, and whatever the next one invents), so a request carrying any header not
 * named here is read as having come through one, whatever address connected.
 */
const CLIENT_HEADERS =
  /^(?:host|user-agent|accept|accept-[a-z-]+|authorization|connection|keep-alive|content-[a-z-]+|cookie|cache-control|pragma|te|upgrade|expect|range|if-[a-z-]+|origin|referer|dnt|priority|sec-[a-z-]+|upgrade-insecure-requests|x-crm-[a-z-]+|x-prometheus-[a-z-]+)$/

/** The headers a request carries that a client does not send of itself: what a proxy, balancer or CDN in between added. */
export function proxyHeadersOf(req: Request): string[] {
  return Object.keys(req.headers).filter((name) => !CLIENT_HEADERS.test(name))
}

/** Whether a request names this machine as its host (localhost, 127.x, ::1), as a direct call does; a proxy passes the public name on. */
function hostIsThisMachine(req: Request): boolean {
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '')
  return host === 'localhost' || /^127(?:\.\d{1,3}){3}$/.test(host) || host === '[::1]'
}

/** Whether the connection itself comes from this machine (127.0.0.0/8, ::1, or either written as IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4.startsWith('127.') || address === '::1'
}

/**
 * Whether a request may read the operator's endpoints (/metrics, /healthz/doctor): it carries `Authorization: Bearer
 * <CRM_METRICS_TOKEN>` (compared in constant time), or it connected from this machine directly, without a proxy.
 */
export function operatorMayRead(req: Request, token: string | undefined): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim()
  if (token && given) return sameSecret(given, token)
  return directFromLoopback(req)
}

/**
 * Whether a request connected from this machine directly, not through a proxy on it: over loopback, to this machine by
 * name, and with no header but those a client sends of itself. A proxy on the same machine (Caddy, HAProxy, a TCP
 * relay, a tunnel to a CDN) passes the public host name on or adds headers of its own.
 */
export function directFromLoopback(req: Request): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && hostIsThisMachine(req) && proxyHeadersOf(req).length === 0
}

/** The answer to a request that may not read them: the same 404 as a path that does not exist, so nothing says they are here. */
export function hiddenRoute(req: Request): AppError {
  return new AppError('NOT_FOUND', `No route ${req.method} ${req.path}`)
}

/** Compares two secrets in constant time, whatever their lengths (both are hashed to 32 bytes first). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}
