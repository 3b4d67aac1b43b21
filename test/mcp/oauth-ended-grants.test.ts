import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAgentTokens } from '../../core/auth/agent-tokens.js'
import { pkceChallenge } from '../../core/auth/oauth/tokens.js'
import { readMigrations } from '../../core/db/migrate.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { addUser, signIn, type Browser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { answerConsent, rawOf } from '../helpers/oauth-client.js'

const REDIRECT = 'http://127.0.0.1:1/callback'
const VERIFIER = 'a-verifier-of-the-right-length-0123456789abcdefghij'

describe.each(engines)('a connection whose tokens are all revoked is no longer connected (%s)', (engine) => {
  let app: TestApp
  let owner: Browser
  beforeAll(async () => {
    app = await startTestApp(engine)
    await addUser(app, 'grants-owner@sparkle.test', 'owner')
    owner = await signIn(app, 'grants-owner@sparkle.test')
  })
  afterAll(() => app?.close())

  const post = async (path: string, body: string, type: string) => {
    const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body })
    return { status: res.status, json: (await res.json()) as any }
  }
  /** Registers a client, has the owner approve it and exchanges the code: the client, its code and the tokens. */
  const connect = async (name: string) => {
    const client = (
      await post(
        '/oauth/register',
        JSON.stringify({ client_name: name, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
        'application/json',
      )
    ).json
    const consent = await owner.call(
      'GET',
      `/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        code_challenge: pkceChallenge(VERIFIER),
        code_challenge_method: 'S256',
        state: 'st-1',
        resource: `${app.url}/mcp`,
      })}`,
    )
    const answer = await answerConsent(app, owner, rawOf(consent), 'approve')
    const code = answer.location!.searchParams.get('code')!
    const exchange = () =>
      post(
        '/oauth/token',
        new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: client.client_id,
          code,
          code_verifier: VERIFIER,
          redirect_uri: REDIRECT,
          resource: `${app.url}/mcp`,
        }).toString(),
        'application/x-www-form-urlencoded',
      )
    const tokens = await exchange()
    expect(tokens.status).toBe(200)
    const grant = (await listAgentTokens(app.t.db, app.tenant.tenant_id)).find((t: any) => t.name === `${name} (OAuth)`) as any
    return { grant, exchange }
  }
  /** The card of a connection on the Connected apps page. */
  const cardOf = async (name: string) => {
    const page = rawOf(await owner.call('GET', '/review/connections'))
    const card = page.slice(page.indexOf(`${name} (OAuth)`))
    return card.slice(0, card.indexOf('</div>'))
  }
  const active = async () => expectData(await app.query({ type: 'agent_tokens', status: 'active', limit: 100 })).items.map((t: any) => t.id)

  it('a replayed authorization code ends the connection: the page shows it disconnected, and it is not an active token', async () => {
    const { grant, exchange } = await connect('Replayed Client')
    expect(await cardOf('Replayed Client')).toContain('Disconnect</button>')
    expect(await active()).toContain(grant.id)

    const replayed = await exchange()
    expect(replayed).toMatchObject({ status: 400, json: { error: 'invalid_grant' } })
    const live = await app.t.admin.query('select kind from oauth_tokens where agent_token_id = $1 and revoked_at is null', [grant.id])
    expect(live.rows).toEqual([])
    const card = await cardOf('Replayed Client')
    expect(card).toContain('Disconnected')
    expect(card).not.toContain('Disconnect</button>')
    expect(await active()).not.toContain(grant.id)
    const audit = await app.t.admin.query(
      `select action, actor_type from audit_log where entity_type = 'agent_token' and entity_id = $1 and action <> 'oauth_approve'`,
      [grant.id],
    )
    expect(audit.rows).toEqual([{ action: 'oauth_code_replayed', actor_type: 'system' }])
  })

  it('migration 0103 ends a grant left on with every token revoked, and leaves connected ones alone', async () => {
    // As a replayed code left a grant before: its tokens revoked, the grant itself still on.
    const { grant: stale } = await connect('Stale Client')
    const revokedAt = new Date('2026-05-01T12:00:00Z')
    await app.t.admin.query('update oauth_tokens set revoked_at = $2 where agent_token_id = $1', [stale.id, revokedAt])
    // A connection whose access token only expired: its refresh token still works, so it is still connected.
    const { grant: working } = await connect('Working Client')
    await app.t.admin.query(
      `update oauth_tokens set expires_at = now() - interval '1 second' where agent_token_id = $1 and kind = 'access'`,
      [working.id],
    )
    expect(await cardOf('Stale Client')).toContain('Disconnect</button>')

    const file = readMigrations().find((f) => f.version === 103)!
    await app.t.admin.exec(file.sql)

    const rows = (
      await app.t.admin.query<{ id: string; name: string; revoked_at: Date | null }>(
        'select id, name, revoked_at from agent_tokens where tenant_id = $1',
        [app.tenant.tenant_id],
      )
    ).rows
    expect(rows.find((r) => r.id === stale.id)?.revoked_at).toEqual(revokedAt)
    expect(rows.find((r) => r.id === working.id)?.revoked_at).toBeNull()
    // The first start's agent token has no OAuth tokens at all, and works on.
    const plain = rows.filter((r) => !r.name.endsWith('(OAuth)'))
    expect(plain.length).toBeGreaterThan(0)
    for (const token of plain) expect(token.revoked_at).toBeNull()
    const card = await cardOf('Stale Client')
    expect(card).toContain('Disconnected')
    expect(card).not.toContain('Disconnect</button>')
    expect(await cardOf('Working Client')).toContain('Disconnect</button>')
  })
})
