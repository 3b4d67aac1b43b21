import { createHash, timingSafeEqual } from 'node:crypto'
import type { Request } from 'express'
import { AppError } from '../../core/errors.js'

/**
 * Headers a proxy adds. Behind a reverse proxy on the same machine every request connects from 127.0.0.1, so a request
 * carrying any of these came from somewhere else, whatever address connected.
 */
export const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'] as const

/** The proxy headers a request carries, by name. */
export function proxyHeadersOf(req: Request): string[] {
  return PROXY_HEADERS.filter((name) => req.headers[name] !== undefined)
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

/** Whether a request connected from this machine directly, not through a proxy on it. */
export function directFromLoopback(req: Request): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && proxyHeadersOf(req).length === 0
}

/** The answer to a request that may not read them: the same 404 as a path that does not exist, so nothing says they are here. */
export function hiddenRoute(req: Request): AppError {
  return new AppError('NOT_FOUND', `No route ${req.method} ${req.path}`)
}

/** Compares two secrets in constant time, whatever their lengths (both are hashed to 32 bytes first). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}
