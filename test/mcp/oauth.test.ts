import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAgentTokens, revokeAgentToken } from '../../core/auth/agent-tokens.js'
import { pkceChallenge } from '../../core/auth/oauth/tokens.js'
import { addUser, signIn, type Browser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { toolJson } from '../helpers/mcp-client.js'
import { answerConsent, connectWithOAuth, MemoryOAuthProvider, pathOf, rawOf, signInFromConsentPage } from '../helpers/oauth-client.js'

const REDIRECT = 'http://127.0.0.1:1/callback'
const VERIFIER = 'a-verifier-of-the-right-length-0123456789abcdefghij'

describe.each(engines)('OAuth for the MCP endpoint (%s)', (engine) => {
  let app: TestApp
  let owner: Browser
  beforeAll(async () => {
    app = await startTestApp(engine)
    await addUser(app, 'second-owner@sparkle.test', 'owner')
    owner = await signIn(app, 'second-owner@sparkle.test')
  })
  afterAll(() => app.close())

  const token = async (fields: Record<string, string>) => {
    const res = await fetch(`${app.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
    return { status: res.status, json: (await res.json()) as any }
  }
  const register = async (name: string, redirect = REDIRECT) => {
    const res = await fetch(`${app.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: name, redirect_uris: [redirect], token_endpoint_auth_method: 'none' }),
    })
    return { status: res.status, json: (await res.json()) as any }
  }
  const authorizePath = (clientId: string, extra: Record<string, string> = {}) =>
    `/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      code_challenge: pkceChallenge(VERIFIER),
      code_challenge_method: 'S256',
      state: 'st-1',
      resource: `${app.url}/mcp`,
      ...extra,
    })}`
  /** Registers a client and has the signed-in owner approve it: the code it gets back. */
  const approvedCode = async (name: string) => {
    const { json: client } = await register(name)
    const consent = await owner.call('GET', authorizePath(client.client_id))
    expect(consent.status).toBe(200)
    const answer = await answerConsent(app, owner, rawOf(consent), 'approve')
    expect(answer.status).toBe(303)
    return { clientId: client.client_id as string, code: answer.location!.searchParams.get('code')! }
  }
  const exchange = (clientId: string, code: string, extra: Record<string, string> = {}) =>
    token({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: VERIFIER,
      redirect_uri: REDIRECT,
      resource: `${app.url}/mcp`,
      ...extra,
    })
  const mcpStatus = async (accessToken: string) =>
    (
      await fetch(`${app.url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      })
    ).status

  it('publishes where to sign in: the 401 names the resource metadata, which names this server', async () => {
    const res = await fetch(`${app.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${app.url}/.well-known/oauth-protected-resource/mcp"`)
    expect(((await res.json()) as any).error.code).toBe('UNAUTHENTICATED')
    const wrong = await fetch(`${app.url}/mcp`, {
      method: 'POST',
      headers: { authorization: 'Bearer crm_at_nope', 'content-type': 'application/json' },
      body: '{}',
    })
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"')
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      expect(await (await fetch(app.url + path)).json()).toMatchObject({ resource: `${app.url}/mcp`, authorization_servers: [app.url] })
    }
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      expect(await (await fetch(app.url + path)).json()).toMatchObject({
        issuer: app.url,
        authorization_endpoint: `${app.url}/oauth/authorize`,
        token_endpoint: `${app.url}/oauth/token`,
        registration_endpoint: `${app.url}/oauth/register`,
        code_challenge_methods_supported: ['S256'],
        client_id_metadata_document_supported: true,
        grant_types_supported: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_methods_supported: ['none'],
      })
    }
  })

  it('connects the SDK client in one flow: registration, sign-in, consent, then tools as the agent, risky calls queued', async () => {
    const provider = new MemoryOAuthProvider(REDIRECT, 'Claude')
    const first = await connectWithOAuth(app, provider)
    expect(first.client).toBeNull()
    expect(provider.client?.client_id).toMatch(/^crmc_/)
    const consentPath = pathOf(provider.authorizationUrl!)
    expect(consentPath.startsWith('/oauth/authorize?')).toBe(true)

    const { b, html } = await signInFromConsentPage(app, consentPath, 'owner@sparkle.test')
    expect(html).toContain('Claude')
    expect(html).toContain('127.0.0.1:1')
    expect(html).toContain('dynamic registration')
    expect(html).toContain('Waiting')
    const answer = await answerConsent(app, b, html, 'approve')
    expect(answer.status).toBe(303)
    expect(`${answer.location!.origin}${answer.location!.pathname}`).toBe(REDIRECT)
    expect(answer.location!.searchParams.get('state')).toBe('state-123')
    expect(answer.location!.searchParams.get('iss')).toBe(app.url)

    await first.transport.finishAuth(answer.location!.searchParams.get('code')!)
    expect(provider.saved?.access_token).toMatch(/^crm_at_/)
    const { client } = await connectWithOAuth(app, provider)
    const { tools } = await client!.listTools()
    expect(tools.map((t) => t.name)).toContain('crm_action')
    const created = toolJson(
      await client!.callTool({
        name: 'crm_action',
        arguments: { domain: 'contact', action: 'create', data: { display_name: 'Olive Oauth' } },
      }),
    )
    expect(created.isError).toBe(false)
    const read = toolJson(
      await client!.callTool({ name: 'crm_query', arguments: { type: 'contacts', id: created.json.id, include: ['audit_trail'] } }),
    )
    expect(read.json.audit_trail[0]).toMatchObject({ action: 'create', actor_type: 'agent' })
    const risky = toolJson(
      await client!.callTool({
        name: 'crm_destructive_action',
        arguments: { domain: 'contact', action: 'delete', data: { contact_id: created.json.id }, reasoning: 'Entered twice by mistake' },
      }),
    )
    expect(risky.json, JSON.stringify(risky.json)).toMatchObject({ status: 'pending_authorization' })
    const queued = await app.t.admin.query<{ name: string }>(
      `select t.name from authorization_requests r join agent_tokens t on t.tenant_id = r.tenant_id and t.id = r.agent_token_id where r.id = $1`,
      [risky.json.request_id],
    )
    expect(queued.rows[0].name).toBe('Claude (OAuth)')
    await client!.close()

    const grants = (await listAgentTokens(app.t.db, app.tenant.tenant_id)).filter((t: any) => t.name === 'Claude (OAuth)')
    expect(grants).toHaveLength(1)
    const audit = await app.t.admin.query<{ actor_type: string; actor_id: string }>(
      `select actor_type, actor_id from audit_log where entity_type = 'agent_token' and action = 'oauth_approve' and entity_id = $1`,
      [grants[0].id],
    )
    expect(audit.rows).toEqual([{ actor_type: 'user', actor_id: app.tenant.owner_user_id }])
    // The same token works on /api, as an agent token does.
    const api = await app.call('GET', '/api/data?type=contacts&limit=1', undefined, {
      authorization: `Bearer ${provider.saved!.access_token}`,
    })
    expect(api.status).toBe(200)
  })

  it('rotates refresh tokens: the new pair works, the old refresh token is refused', async () => {
    const { clientId, code } = await approvedCode('Rotating Client')
    const issued = await exchange(clientId, code)
    expect(issued.status).toBe(200)
    expect(issued.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 })
    const rotated = await token({
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: issued.json.refresh_token,
      resource: `${app.url}/mcp`,
    })
    expect(rotated.status).toBe(200)
    expect(rotated.json.refresh_token).not.toBe(issued.json.refresh_token)
    expect(await mcpStatus(rotated.json.access_token)).toBe(200)
    const again = await token({ grant_type: 'refresh_token', client_id: clientId, refresh_token: issued.json.refresh_token })
    expect(again).toMatchObject({ status: 400, json: { error: 'invalid_grant' } })
    const otherClient = await token({
      grant_type: 'refresh_token',
      client_id: 'crmc_someone_else',
      refresh_token: rotated.json.refresh_token,
    })
    expect(otherClient).toMatchObject({ status: 400, json: { error: 'invalid_grant' } })
  })

  it('ends the whole grant when a rotated refresh token is presented again: every token descended from it stops, and the app shows as disconnected', async () => {
    const { clientId, code } = await approvedCode('Leaky Client')
    const refresh = (refreshToken: string) =>
      token({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, resource: `${app.url}/mcp` })
    const first = await exchange(clientId, code)
    const second = await refresh(first.json.refresh_token)
    const third = await refresh(second.json.refresh_token)
    expect(third.status).toBe(200)
    expect(await mcpStatus(third.json.access_token)).toBe(200)

    // Someone holding the first (already rotated) refresh token tries it.
    const replayed = await refresh(first.json.refresh_token)
    expect(replayed).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: expect.stringContaining('already used') },
    })
    expect(await mcpStatus(third.json.access_token)).toBe(401)
    expect(await refresh(third.json.refresh_token)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } })
    const grant = (await listAgentTokens(app.t.db, app.tenant.tenant_id)).find((t: any) => t.name === 'Leaky Client (OAuth)') as any
    const live = await app.t.admin.query(`select kind from oauth_tokens where agent_token_id = $1 and revoked_at is null`, [grant.id])
    expect(live.rows).toEqual([])
    expect(grant.revoked_at).not.toBeNull()
    const audit = await app.t.admin.query(
      `select action, actor_type from audit_log where entity_type = 'agent_token' and entity_id = $1 and action <> 'oauth_approve'`,
      [grant.id],
    )
    expect(audit.rows).toEqual([{ action: 'oauth_refresh_replayed', actor_type: 'system' }])

    const page = rawOf(await owner.call('GET', '/review/connections'))
    const card = page.slice(page.indexOf('Leaky Client (OAuth)'))
    expect(card.slice(0, card.indexOf('</div>'))).toContain('Disconnected')
    expect(page).not.toContain(`/review/connections/${grant.id}/revoke`)
  })

  it('lets codes and access tokens expire', async () => {
    const { clientId, code } = await approvedCode('Slow Client')
    await app.t.admin.query(`update oauth_codes set expires_at = now() - interval '1 second' where client_id = $1`, [clientId])
    expect(await exchange(clientId, code)).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: expect.stringContaining('expired') },
    })
    const fresh = await approvedCode('Expiring Client')
    const issued = await exchange(fresh.clientId, fresh.code)
    expect(await mcpStatus(issued.json.access_token)).toBe(200)
    await app.t.admin.query(`update oauth_tokens set expires_at = now() - interval '1 second' where client_id = $1 and kind = 'access'`, [
      fresh.clientId,
    ])
    expect(await mcpStatus(issued.json.access_token)).toBe(401)
    // The refresh token still gets a new access token.
    const refreshed = await token({ grant_type: 'refresh_token', client_id: fresh.clientId, refresh_token: issued.json.refresh_token })
    expect(await mcpStatus(refreshed.json.access_token)).toBe(200)
  })

  it('refuses a wrong PKCE verifier, a used code, another resource and another redirect URI', async () => {
    const { clientId, code } = await approvedCode('Careful Client')
    const wrongVerifier = await exchange(clientId, code, { code_verifier: `${VERIFIER}x` })
    expect(wrongVerifier).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: expect.stringContaining('code_verifier') },
    })
    const wrongResource = await exchange(clientId, code, { resource: 'https://elsewhere.example/mcp' })
    expect(wrongResource).toMatchObject({ status: 400, json: { error: 'invalid_target' } })
    const wrongRedirect = await exchange(clientId, code, { redirect_uri: 'http://127.0.0.1:2/callback' })
    expect(wrongRedirect).toMatchObject({ status: 400, json: { error: 'invalid_grant' } })
    const first = await exchange(clientId, code)
    expect(first.status).toBe(200)
    const reused = await exchange(clientId, code)
    expect(reused).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: expect.stringContaining('already used') },
    })
    // A code used twice may have been stolen: what the first use gave stops working.
    expect(await mcpStatus(first.json.access_token)).toBe(401)
  })

  it('refuses at the consent page: an unregistered redirect is not followed, a foreign resource goes back as invalid_target', async () => {
    const { json: client } = await register('Strict Client')
    const unregistered = await owner.call('GET', authorizePath(client.client_id, { redirect_uri: 'https://attacker.example/cb' }))
    expect(unregistered.status).toBe(400)
    expect(unregistered.headers.get('location')).toBeNull()
    expect(rawOf(unregistered)).toContain('not one Strict Client registered')
    const foreign = await owner.call('GET', authorizePath(client.client_id, { resource: 'https://elsewhere.example/mcp' }))
    expect(foreign.status).toBe(303)
    const to = new URL(foreign.headers.get('location')!)
    expect(to.searchParams.get('error')).toBe('invalid_target')
    expect(to.searchParams.get('state')).toBe('st-1')
    const plain = await owner.call('GET', authorizePath(client.client_id, { code_challenge_method: 'plain' }))
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request')
    const unknown = await owner.call('GET', authorizePath('crmc_never_registered'))
    expect(unknown.status).toBe(400)
    const badRegistration = await register('Bad Client', 'http://example.com/cb')
    expect(badRegistration).toMatchObject({ status: 400, json: { error: 'invalid_redirect_uri' } })
  })

  it('takes a loopback redirect on any port the desktop client listens on, and nothing else on it (RFC 8252)', async () => {
    const { json: client } = await register('Desktop Client', 'http://127.0.0.1/callback')
    const otherPort = await owner.call('GET', authorizePath(client.client_id, { redirect_uri: 'http://127.0.0.1:49152/callback' }))
    expect(otherPort.status).toBe(200)
    expect(rawOf(otherPort)).toContain('127.0.0.1:49152')
    for (const redirect of ['http://127.0.0.1:49152/other', 'http://localhost:49152/callback', 'https://127.0.0.1:49152/callback']) {
      const refused = await owner.call('GET', authorizePath(client.client_id, { redirect_uri: redirect }))
      expect(refused.status).toBe(400)
      expect(refused.headers.get('location')).toBeNull()
    }
  })

  it('answers GET /mcp without a token as POST does: 401 naming the resource metadata', async () => {
    const res = await fetch(`${app.url}/mcp`, { headers: { accept: 'text/event-stream' } })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${app.url}/.well-known/oauth-protected-resource/mcp"`)
    const signedIn = await fetch(`${app.url}/mcp`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${app.tenant.agent_token}` },
    })
    expect(signedIn.status).toBe(405)
  })

  it('sends a denial back as access_denied with the state, and makes no grant', async () => {
    const { json: client } = await register('Denied Client')
    const consent = await owner.call('GET', authorizePath(client.client_id))
    const answer = await answerConsent(app, owner, rawOf(consent), 'deny')
    expect(answer.status).toBe(303)
    expect(answer.location!.searchParams.get('error')).toBe('access_denied')
    expect(answer.location!.searchParams.get('state')).toBe('st-1')
    expect(answer.location!.searchParams.get('code')).toBeNull()
    expect((await listAgentTokens(app.t.db, app.tenant.tenant_id)).some((t: any) => t.name === 'Denied Client (OAuth)')).toBe(false)
  })

  it('lets only an owner approve: a technician sees a refusal and no code is made', async () => {
    await addUser(app, 'tech@sparkle.test', 'technician')
    const tech = await signIn(app, 'tech@sparkle.test')
    const { json: client } = await register('Tech Client')
    const page = await tech.call('GET', authorizePath(client.client_id))
    expect(page.status).toBe(403)
    const csrf = (await tech.call('GET', '/auth/session')).body.data.csrf_token
    const params = Object.fromEntries(new URL(app.url + authorizePath(client.client_id)).searchParams)
    const forced = await tech.call('POST', '/oauth/authorize', { ...params, decision: 'approve', _csrf: csrf })
    expect(forced.status).toBe(403)
    expect(forced.headers.get('location')).toBeNull()
    // Without the CSRF token even an owner's press is refused.
    const noCsrf = await owner.call('POST', '/oauth/authorize', { ...params, decision: 'approve' })
    expect(noCsrf.status).toBe(403)
  })

  it('ends the connection when the owner disconnects it on the Connected apps page: /mcp answers 401 and refresh is refused', async () => {
    const { clientId, code } = await approvedCode('Revoked Client')
    const issued = await exchange(clientId, code)
    expect(await mcpStatus(issued.json.access_token)).toBe(200)
    const listed = await owner.call('GET', '/review/connections')
    expect(rawOf(listed)).toContain('Revoked Client (OAuth)')
    expect(rawOf(listed)).toContain('Connected by you with OAuth')
    const grant = (await listAgentTokens(app.t.db, app.tenant.tenant_id)).find((t: any) => t.name === 'Revoked Client (OAuth)') as any
    const csrf = (await owner.call('GET', '/auth/session')).body.data.csrf_token
    const revoked = await owner.call('POST', `/review/connections/${grant.id}/revoke`, { _csrf: csrf })
    expect(revoked.status).toBe(303)
    expect(await mcpStatus(issued.json.access_token)).toBe(401)
    const audit = await app.t.admin.query(
      `select actor_type from audit_log where entity_type = 'agent_token' and action = 'revoke' and entity_id = $1`,
      [grant.id],
    )
    expect(audit.rows).toEqual([{ actor_type: 'user' }])
    const refreshed = await token({ grant_type: 'refresh_token', client_id: clientId, refresh_token: issued.json.refresh_token })
    expect(refreshed).toMatchObject({ status: 400, json: { error: 'invalid_grant' } })
  })

  it('takes a client ID metadata document: fetched, checked, named on the consent page', async () => {
    let served: Record<string, unknown> = {}
    const docs: Server = await new Promise((resolve) => {
      const s = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(served))).listen(
        0,
        '127.0.0.1',
        () => resolve(s),
      )
    })
    try {
      const clientId = `http://127.0.0.1:${(docs.address() as AddressInfo).port}/oauth/client.json`
      served = { client_id: clientId, client_name: 'Documented Client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }
      const provider = new MemoryOAuthProvider(REDIRECT, 'Documented Client', { clientId })
      const first = await connectWithOAuth(app, provider)
      expect(first.client).toBeNull()
      const consent = await owner.call('GET', pathOf(provider.authorizationUrl!))
      expect(consent.status).toBe(200)
      expect(rawOf(consent)).toContain('Documented Client')
      expect(rawOf(consent)).toContain('the document it publishes')
      const answer = await answerConsent(app, owner, rawOf(consent), 'approve')
      await first.transport.finishAuth(answer.location!.searchParams.get('code')!)
      const { client } = await connectWithOAuth(app, provider)
      expect((await client!.listTools()).tools.length).toBeGreaterThan(0)
      await client!.close()

      const impostor = `http://127.0.0.1:${(docs.address() as AddressInfo).port}/oauth/other.json`
      const refused = await owner.call('GET', authorizePath(impostor))
      expect(refused.status).toBe(400)
      expect(rawOf(refused)).toContain('must name exactly that URL')
    } finally {
      docs.closeAllConnections()
      await new Promise((r) => docs.close(r))
    }
  })
})

describe.each(engines)("an app connected by OAuth and the operator's revocation (%s)", (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('revoking its agent token with crm token revoke cuts the app off, while other agent tokens keep working', async () => {
    const provider = new MemoryOAuthProvider(REDIRECT, 'VS Code')
    const first = await connectWithOAuth(app, provider)
    const { b, html } = await signInFromConsentPage(app, pathOf(provider.authorizationUrl!), 'owner@sparkle.test')
    const answer = await answerConsent(app, b, html, 'approve')
    await first.transport.finishAuth(answer.location!.searchParams.get('code')!)
    const grant = (await listAgentTokens(app.t.db, app.tenant.tenant_id)).find((t: any) => t.name === 'VS Code (OAuth)') as any
    await revokeAgentToken(app.t.db, grant.prefix)
    const status = (
      await fetch(`${app.url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${provider.saved!.access_token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      })
    ).status
    expect(status).toBe(401)
    expect((await app.query({ type: 'contacts', limit: 1 })).status).toBe(200)
  })

  it('lets an agent list the connections but never revoke one', async () => {
    const listed = await app.query({ type: 'agent_tokens' })
    expect(listed.status).toBe(200)
    expect(JSON.stringify(listed.body.data.items)).not.toContain('token_hash')
    const own = listed.body.data.items.find((t: any) => t.name === 'office manager')
    const refused = await app.action('agent_token', 'revoke', { agent_token_id: own.id })
    expect(refused.status).toBe(403)
  })
})
