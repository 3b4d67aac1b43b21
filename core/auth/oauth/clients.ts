import { randomBytes } from 'node:crypto'
import { OAuthClientMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js'
import type { Config } from '../../kernel/config.js'
import { withSignInLookup } from '../../db/tenant.js'
import type { Database } from '../../db/types.js'
import { fetchClientMetadataDocument, isMetadataDocumentClientId } from './client-metadata-document.js'
import { OAuthError } from './errors.js'
import { redirectUriProblem } from './redirect-uris.js'
import { servesOnlyThisMachine } from './urls.js'

/** A client as the consent page and the token endpoint know it. */
export interface OAuthClient {
  clientId: string
  source: 'registered' | 'metadata_document'
  clientName: string
  redirectUris: string[]
}

/** What a registration answers (RFC 7591 section 3.2.1). */
export interface RegisteredClient {
  client_id: string
  client_id_issued_at: number
  client_name: string
  redirect_uris: string[]
  grant_types: string[]
  response_types: string[]
  token_endpoint_auth_method: 'none'
}

/** A metadata document is fetched again once its copy is older than this. */
const DOCUMENT_REFRESH_MS = 60 * 60 * 1000

const MAX_REDIRECT_URIS = 10
const GRANT_TYPES = ['authorization_code', 'refresh_token']

/** Registers a public client (RFC 7591): checks its metadata and stores it; the answer carries the new client_id. */
export async function registerClient(db: Database, body: unknown): Promise<RegisteredClient> {
  const metadata = checkedMetadata(body, 'invalid_client_metadata')
  const clientId = `crmc_${randomBytes(16).toString('base64url')}`
  const r = await withSignInLookup(db, {}, (tx) =>
    tx.query<{ created_at: Date }>(
      `insert into oauth_clients (client_id, source, client_name, redirect_uris, metadata) values ($1, 'registered', $2, $3, $4) returning created_at`,
      [clientId, metadata.clientName, metadata.redirectUris, JSON.stringify(metadata.raw)],
    ),
  )
  return {
    client_id: clientId,
    client_id_issued_at: Math.floor(r.rows[0].created_at.getTime() / 1000),
    client_name: metadata.clientName,
    redirect_uris: metadata.redirectUris,
    grant_types: GRANT_TYPES,
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  }
}

/**
 * The client a client_id names: a registered one, or one whose metadata document (the client_id is its URL) says who
 * it is; fetched and kept, then fetched again once an hour old. OAuthError invalid_client when there is none.
 */
export async function findClient(db: Database, config: Config, clientId: string): Promise<OAuthClient> {
  if (!clientId || clientId.length > 2000) throw new OAuthError('invalid_client', 'client_id is missing or too long')
  const stored = await withSignInLookup(
    db,
    {},
    async (tx) =>
      (
        await tx.query<{
          client_id: string
          source: 'registered' | 'metadata_document'
          client_name: string
          redirect_uris: string[]
          fetched_at: Date | null
        }>(`select client_id, source, client_name, redirect_uris, fetched_at from oauth_clients where client_id = $1`, [clientId])
      ).rows[0],
  )
  const fresh =
    stored && (stored.source === 'registered' || (stored.fetched_at && Date.now() - stored.fetched_at.getTime() < DOCUMENT_REFRESH_MS))
  if (stored && fresh) return { clientId, source: stored.source, clientName: stored.client_name, redirectUris: stored.redirect_uris }
  if (!isMetadataDocumentClientId(clientId)) throw new OAuthError('invalid_client', `No client is registered with client_id "${clientId}"`)
  const document = await fetchClientMetadataDocument(clientId, servesOnlyThisMachine(config))
  if ((document as { client_id?: unknown } | null)?.client_id !== clientId) {
    throw new OAuthError('invalid_client', `The client metadata document at ${clientId} must name exactly that URL as its client_id`)
  }
  const metadata = checkedMetadata(document, 'invalid_client')
  await withSignInLookup(db, {}, (tx) =>
    tx.query(
      `insert into oauth_clients (client_id, source, client_name, redirect_uris, metadata, fetched_at) values ($1, 'metadata_document', $2, $3, $4, now())
     on conflict (client_id) do update set client_name = excluded.client_name, redirect_uris = excluded.redirect_uris,
       metadata = excluded.metadata, fetched_at = excluded.fetched_at`,
      [clientId, metadata.clientName, metadata.redirectUris, JSON.stringify(metadata.raw)],
    ),
  )
  return { clientId, source: 'metadata_document', clientName: metadata.clientName, redirectUris: metadata.redirectUris }
}

/** A client's metadata, checked: redirect URIs we can send a code to, grants we serve, no client secret needed. */
function checkedMetadata(body: unknown, code: 'invalid_client_metadata' | 'invalid_client') {
  const parsed = OAuthClientMetadataSchema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.join('.') || 'body'
    throw new OAuthError(
      field.startsWith('redirect_uris') && code === 'invalid_client_metadata' ? 'invalid_redirect_uri' : code,
      `${field}: ${issue.message}`,
    )
  }
  const m = parsed.data
  if (m.redirect_uris.length < 1 || m.redirect_uris.length > MAX_REDIRECT_URIS) {
    throw new OAuthError(
      code === 'invalid_client' ? code : 'invalid_redirect_uri',
      `redirect_uris: expected 1 to ${MAX_REDIRECT_URIS} URIs`,
    )
  }
  for (const uri of m.redirect_uris) {
    const problem = redirectUriProblem(uri)
    if (problem) throw new OAuthError(code === 'invalid_client' ? code : 'invalid_redirect_uri', `redirect_uris: ${problem}`)
  }
  const unsupported = (m.grant_types ?? []).filter((g) => !GRANT_TYPES.includes(g))
  if (unsupported.length)
    throw new OAuthError(code, `grant_types: ${unsupported.join(', ')} is not supported; expected authorization_code and refresh_token`)
  if (m.response_types?.some((t) => t !== 'code')) throw new OAuthError(code, 'response_types: only "code" is supported')
  if (code === 'invalid_client' && m.token_endpoint_auth_method && m.token_endpoint_auth_method !== 'none') {
    throw new OAuthError(code, 'token_endpoint_auth_method: a client metadata document client must be a public client ("none")')
  }
  const name = (m.client_name ?? '').trim().slice(0, 100) || new URL(m.redirect_uris[0]).host || 'An MCP client'
  return { clientName: name, redirectUris: m.redirect_uris, raw: m }
}
