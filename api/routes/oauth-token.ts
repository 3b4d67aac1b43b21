import { Router, type Request } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { registerClient } from '../../core/auth/oauth/clients.js'
import { OAuthError } from '../../core/auth/oauth/errors.js'
import { exchangeCode, refreshTokens, revokeOAuthToken } from '../../core/auth/oauth/tokens.js'
import { createRateLimiter } from '../../core/http/rate-limit.js'
import { clientIp, stateOf } from '../../core/http/request-state.js'

/** Registrations allowed per client address each hour: a person connects a handful of apps, not hundreds. */
const REGISTRATIONS = { max: 30, windowMs: 60 * 60 * 1000 }

/**
 * The OAuth endpoints clients call without a session: dynamic client registration (RFC 7591), the token endpoint
 * (authorization_code with PKCE, refresh_token with rotation) and revocation (RFC 7009). Errors are OAuth's JSON
 * (api/oauth-errors.ts).
 */
export function oauthTokenRoutes(services: Services): Router {
  const router = Router()
  const registrations = createRateLimiter(services.db, 'oauth-registration', REGISTRATIONS.max, REGISTRATIONS.windowMs)

  router.post('/oauth/register', async (req, res) => {
    await registrations.hit(clientIp(req), 'client registrations from this address')
    if (!req.is('application/json')) throw new OAuthError('invalid_client_metadata', 'Send the client metadata as application/json')
    res.status(201).json(await registerClient(services.db, req.body))
  })

  router.post('/oauth/token', async (req, res) => {
    const body = formBody(req)
    const clientId = body.client_id || basicClientId(req)
    if (!clientId) throw new OAuthError('invalid_client', 'client_id is required', 401)
    const resource = body.resource ?? ''
    const requestId = stateOf(res).requestId
    let tokens
    if (body.grant_type === 'authorization_code') {
      tokens = await exchangeCode(
        services.db,
        services.config,
        { code: body.code ?? '', codeVerifier: body.code_verifier ?? '', clientId, redirectUri: body.redirect_uri ?? '', resource },
        requestId,
      )
    } else if (body.grant_type === 'refresh_token') {
      tokens = await refreshTokens(services.db, services.config, { refreshToken: body.refresh_token ?? '', clientId, resource }, requestId)
    } else {
      throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token')
    }
    res.set('Pragma', 'no-cache').json(tokens)
  })

  router.post('/oauth/revoke', async (req, res) => {
    const body = formBody(req)
    if (!body.token) throw new OAuthError('invalid_request', 'token is required')
    await revokeOAuthToken(services.db, body.token, stateOf(res).requestId)
    res.status(200).json({})
  })

  return router
}

/** The form fields of a token or revocation request; anything else is refused as OAuth requires. */
function formBody(req: Request): Record<string, string | undefined> {
  if (!req.is('application/x-www-form-urlencoded'))
    throw new OAuthError('invalid_request', 'Send the request as application/x-www-form-urlencoded')
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(req.body ?? {})) if (typeof v === 'string') out[k] = v
  return out
}

/** The client_id of an HTTP Basic Authorization header (client_secret_basic), which public clients may still send. */
function basicClientId(req: Request): string {
  const m = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '')
  if (!m) return ''
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  try {
    return decodeURIComponent(decoded.slice(0, Math.max(0, decoded.indexOf(':'))))
  } catch {
    throw new OAuthError('invalid_client', 'The Basic Authorization header is not a valid client_id:secret pair', 401)
  }
}
