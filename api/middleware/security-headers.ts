import type { NextFunction, Request, Response } from 'express'
import { CONTENT_SECURITY_POLICY } from '../../console/csp.js'

/**
 * Headers every answer carries. Pages and API answers hold customer data and CSRF tokens, and sign-in and customer links
 * carry their secret in the URL: nothing is stored by caches, the address is never sent on as a Referer, no page is
 * framed, and content types are not guessed. A route that may be cached says so itself.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
}

/** Sets SECURITY_HEADERS on every answer of the app (Node's own refusals get them in api/http-server.ts). */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set(SECURITY_HEADERS)
  next()
}
