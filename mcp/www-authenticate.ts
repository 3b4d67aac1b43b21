import type { NextFunction, Request, Response } from 'express'
import type { Services } from '../core/kernel/context.js'
import { AppError } from '../core/kernel/errors.js'
import { resourceMetadataUrl } from '../core/auth/oauth/urls.js'

/**
 * A 401 on /mcp tells the client where to start OAuth (RFC 9728 section 5.1): the protected resource metadata, and
 * invalid_token when a token was sent. The body stays the API's envelope.
 */
export function mcpWwwAuthenticate(services: Services) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (req.path === '/mcp' && err instanceof AppError && err.code === 'UNAUTHENTICATED') {
      const invalid = req.get('authorization') ? 'error="invalid_token", ' : ''
      res.setHeader('WWW-Authenticate', `Bearer ${invalid}resource_metadata="${resourceMetadataUrl(services.config)}"`)
    }
    next(err)
  }
}
