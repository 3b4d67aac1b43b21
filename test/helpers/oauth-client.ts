import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js'
import { expect } from 'vitest'
import { browser, type Browser } from './session-browser.js'
import { signInFormOf, submitForm } from './sign-in-link.js'
import type { ApiResponse, TestApp } from './app.js'

/** An MCP client's OAuth state kept in memory: what a desktop client would keep on disk. */
export class MemoryOAuthProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed
  saved?: OAuthTokens
  verifier = ''
  /** Where the client sent the person to approve it: the consent page with the request. */
  authorizationUrl?: URL
  clientMetadataUrl?: string

  constructor(
    readonly redirectUrl: string,
    readonly name = 'Test Client',
    options: { clientId?: string } = {},
  ) {
    // A client ID metadata document: the client_id is known before the flow, as a pre-registered one is.
    if (options.clientId) this.client = { client_id: options.clientId }
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }
  }

  state() {
    return 'state-123'
  }
  clientInformation() {
    return this.client
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info
  }
  tokens() {
    return this.saved
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url
  }
  saveCodeVerifier(v: string) {
    this.verifier = v
  }
  codeVerifier() {
    return this.verifier
  }
}

/** A transport to the app's /mcp that signs in with the provider. */
export function oauthTransport(app: TestApp, provider: OAuthClientProvider): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`), { authProvider: provider })
}

/** Connects the SDK client; null when the server sent the client to authorization instead. */
export async function connectWithOAuth(
  app: TestApp,
  provider: OAuthClientProvider,
): Promise<{ client: Client | null; transport: StreamableHTTPClientTransport }> {
  const transport = oauthTransport(app, provider)
  const client = new Client({ name: 'crm-oauth-test', version: '1.0.0' })
  try {
    await client.connect(transport)
    return { client, transport }
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err
    return { client: null, transport }
  }
}

/** The path and query of an absolute URL on the app. */
export function pathOf(url: URL | string): string {
  const u = new URL(url)
  return u.pathname + u.search
}

/** The full sign-in link emailed last to this address, as a path (it may carry the page to come back to). */
export function lastLinkPathFor(app: TestApp, email: string): string {
  const mail = app.email.sent.filter((m) => m.to.toLowerCase() === email.toLowerCase()).at(-1)
  expect(mail, `an email to ${email}`).toBeDefined()
  const m = mail!.text.match(/https?:\/\/\S+\/auth\/verify\?\S+/)
  expect(m, 'a sign-in link in the email').not.toBeNull()
  return pathOf(m![0])
}

/**
 * From the consent page's address, signed out: asks for a sign-in link on the page, opens the emailed link, presses
 * Sign in and follows the way back. Returns the signed-in browser and the consent page it lands on.
 */
export async function signInFromConsentPage(app: TestApp, consentPath: string, email: string): Promise<{ b: Browser; html: string }> {
  const b = browser(app)
  const signedOut = await b.call('GET', consentPath)
  expect(signedOut.status).toBe(200)
  const asked = signInFormOf(rawOf(signedOut))
  expect(asked.action).toBe('/auth/magic-link')
  const sent = await submitForm(app, b, asked.action, { ...asked.fields, email })
  expect(sent.status).toBe(200)
  const opened = await b.call('GET', lastLinkPathFor(app, email))
  const press = signInFormOf(rawOf(opened))
  const signedIn = await submitForm(app, b, press.action, press.fields)
  expect(signedIn.status).toBe(303)
  const back = signedIn.headers.get('location')!
  expect(back).toBe(consentPath)
  const consent = await b.call('GET', back)
  expect(consent.status).toBe(200)
  return { b, html: rawOf(consent) }
}

/** Presses Allow or Deny on a consent page; the address the browser is sent to. */
export async function answerConsent(
  app: TestApp,
  b: Browser,
  html: string,
  decision: 'approve' | 'deny',
): Promise<{ status: number; location: URL | null; body: string }> {
  const { action, fields } = signInFormOf(html)
  const res = await submitForm(app, b, action, { ...fields, decision })
  const location = res.headers.get('location')
  return { status: res.status, location: location ? new URL(location) : null, body: rawOf(res) }
}

/** The text of an answer that was not JSON (a page). */
export function rawOf(res: ApiResponse): string {
  return (res.body as unknown as { raw: string }).raw
}
