import type { Request, Response } from 'express'
import { SESSION_TTL_MS } from '../../core/auth/sessions.js'

/** The name of the session cookie. */
export const SESSION_COOKIE = 'crm_session'

/** One cookie's value from the request, or undefined (also when the value is not validly percent-encoded: no cookie we set is). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure when served over HTTPS. */
export function setSessionCookie(res: Response, token: string, secure: boolean): void {
  dropSessionCookie(res)
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_TTL_MS })
}

/** Removes the session cookie. */
export function clearSessionCookie(res: Response, secure: boolean): void {
  dropSessionCookie(res)
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' })
}

/** Removes a session cookie already set on this response, so the answer carries only the last decision. */
function dropSessionCookie(res: Response): void {
  const current = res.getHeader('Set-Cookie')
  if (current === undefined) return
  const kept = (Array.isArray(current) ? current : [String(current)]).filter((c) => !c.startsWith(`${SESSION_COOKIE}=`))
  if (kept.length) res.setHeader('Set-Cookie', kept)
  else res.removeHeader('Set-Cookie')
}
