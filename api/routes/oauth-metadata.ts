import type { OAuthMetadata, OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js'
import { Router, type Request, type Response } from 'express'
import type { Config } from '../../core/kernel/config.js'
import type { Services } from '../../core/kernel/context.js'
import { issuerUrl, mcpResourceUrl, oauthEndpoints } from '../../core/auth/oauth/urls.js'

/** Protected resource metadata (RFC 9728) of /mcp: this server is its own authorization server. */
export function protectedResourceMetadata(config: Config): OAuthProtectedResourceMetadata {
  return {
    resource: mcpResourceUrl(config),
    authorization_servers: [issuerUrl(config)],
    bearer_methods_supported: ['header'],
    resource_name: 'Service CRM',
  }
}

/** Authorization server metadata (RFC 8414): public clients, PKCE S256, dynamic registration or metadata documents. */
export function authorizationServerMetadata(config: Config): OAuthMetadata {
  const endpoints = oauthEndpoints(config)
  return {
    issuer: issuerUrl(config),
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    registration_endpoint: endpoints.registration,
    revocation_endpoint: endpoints.revocation,
    revocation_endpoint_auth_methods_supported: ['none'],
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none'],
    code_challenge_methods_supported: ['S256'],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  }
}

/** The discovery documents, public: where an MCP client learns how to get a token for /mcp. */
export function oauthMetadataRoutes(services: Services): Router {
  const router = Router()
  const resource = (_req: Request, res: Response) => {
    res.json(protectedResourceMetadata(services.config))
  }
  const server = (_req: Request, res: Response) => {
    res.json(authorizationServerMetadata(services.config))
  }
  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) router.get(path, resource)
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) router.get(path, server)
  return router
}
