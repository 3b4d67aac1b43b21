import type { Config } from '../../kernel/config.js'

/** The loopback names a server that serves only this machine answers to. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** The MCP endpoint as an OAuth resource (RFC 8707): the one audience every token is issued for. */
export function mcpResourceUrl(config: Config): string {
  return `${config.publicBaseUrl}/mcp`
}

/** This server as an authorization server: its issuer identifier. */
export function issuerUrl(config: Config): string {
  return config.publicBaseUrl
}

/** Where a client finds the protected resource metadata of /mcp (RFC 9728), as the 401's WWW-Authenticate names it. */
export function resourceMetadataUrl(config: Config): string {
  return `${config.publicBaseUrl}/.well-known/oauth-protected-resource/mcp`
}

/** The OAuth endpoints of this server. */
export function oauthEndpoints(config: Config) {
  const base = config.publicBaseUrl
  return {
    authorization: `${base}/oauth/authorize`,
    token: `${base}/oauth/token`,
    registration: `${base}/oauth/register`,
    revocation: `${base}/oauth/revoke`,
  }
}

/** Whether the server's public address is on this machine (a local install or a test): then loopback http URLs are trusted. */
export function servesOnlyThisMachine(config: Config): boolean {
  const url = new URL(config.publicBaseUrl)
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname.toLowerCase())
}

/** Whether a URL points at this machine over plain http. */
export function isLoopbackHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false
  const url = new URL(value)
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname.toLowerCase())
}
