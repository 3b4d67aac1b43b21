import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../../helpers/envelope-assertions.js'
import { addUser, browser, lastLinkTokenFor, signIn } from '../../helpers/session-browser.js'
import { followSignInLink } from '../../helpers/sign-in-link.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { answerConsent, connectWithOAuth, MemoryOAuthProvider, pathOf, signInFromConsentPage } from '../../helpers/oauth-client.js'
import { insertAddress, newContact, signedIn, type SignedIn } from '../../helpers/fixtures.js'

const REDIRECT = 'http://127.0.0.1:1/callback'

describe.each(engines)('deactivating a person ends everything that acts for them (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  const bearer = (token: string) => app.call('GET', '/api/capabilities', undefined, { authorization: `Bearer ${token}` })
  const revocations = async (entityType: string) =>
    (
      await app.t.admin.query<{ entity_id: string; actor_id: string }>(
        `select entity_id, actor_id from audit_log where tenant_id = $1 and entity_type = $2 and action = 'revoke' order by id`,
        [app.tenant.tenant_id, entityType],
      )
    ).rows

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await signedIn(app, app.tenant.owner_user_id)
  })
  afterAll(() => app?.close())

  it('a technician: their calendar feed, session and unused sign-in link stop at once, and reactivating brings none back', async () => {
    const tom = await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    const jane = await newContact(app, { display_name: 'Jane Gate' })
    const address = await insertAddress(app, jane, '12 Oak Lane')
    await app.t.admin.query('update addresses set access_notes = $2 where id = $1', [address, 'Gate code 4821'])
    expectData(
      await app.action('ticket', 'create', {
        contact_id: jane,
        address_id: address,
        scheduled_start: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        duration_minutes: 60,
        technician_ids: [tom],
        line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
      }),
    )
    const feed = expectData(await (await signedIn(app, tom)).action('calendar_feed', 'create', { user_id: tom }))
    const served = await fetch(feed.https_url)
    expect(served.status).toBe(200)
    expect((await served.text()).replace(/\r\n /g, '')).toContain('Gate/access: Gate code 4821')
    const session = await signIn(app, 'tom@sparkle.test')
    expect((await session.call('GET', '/auth/session')).status).toBe(200)
    expect((await browser(app).call('POST', '/auth/magic-link', { email: 'tom@sparkle.test' })).status).toBe(200)
    const unusedLink = lastLinkTokenFor(app, 'tom@sparkle.test')

    expectData(await owner.action('user', 'update', { user_id: tom, active: false }))
    expect((await fetch(feed.https_url)).status).toBe(404)
    expect((await session.call('GET', '/auth/session')).status).toBe(401)
    expect(await revocations('calendar_feed')).toEqual([{ entity_id: feed.id, actor_id: app.tenant.owner_user_id }])

    expectData(await owner.action('user', 'update', { user_id: tom, active: true }))
    expect((await fetch(feed.https_url)).status).toBe(404)
    expect((await session.call('GET', '/auth/session')).status).toBe(401)
    const late = browser(app)
    expect((await followSignInLink(app, late, unusedLink)).status).not.toBe(303)
    expect(late.cookie).toBeUndefined()
    // Tom signs in afresh with a new link, and makes a new feed if he wants one.
    expect((await (await signIn(app, 'tom@sparkle.test')).call('GET', '/auth/session')).status).toBe(200)
  })

  it('an owner: the agent tokens, OAuth apps and business feeds they made stop; those others made keep working', async () => {
    const olive = await addUser(app, 'olive@sparkle.test', 'owner', 'Olive Owner')
    const asOlive = await signedIn(app, olive)
    const token = expectData(await asOlive.action('agent_token', 'create', { name: 'Olive laptop agent' }))
    const oliveFeed = expectData(await asOlive.action('calendar_feed', 'create', { user_id: null }))
    const ownerFeed = expectData(await owner.action('calendar_feed', 'create', { user_id: null }))
    const provider = new MemoryOAuthProvider(REDIRECT, 'Olive Desktop')
    const first = await connectWithOAuth(app, provider)
    const { b, html } = await signInFromConsentPage(app, pathOf(provider.authorizationUrl!), 'olive@sparkle.test')
    const answer = await answerConsent(app, b, html, 'approve')
    await first.transport.finishAuth(answer.location!.searchParams.get('code')!)
    const oauth = provider.saved!
    for (const t of [token.token, oauth.access_token, app.tenant.agent_token]) expect((await bearer(t)).status).toBe(200)
    for (const f of [oliveFeed, ownerFeed]) expect((await fetch(f.https_url)).status).toBe(200)

    expectData(await owner.action('user', 'update', { user_id: olive, active: false }))
    expect((await bearer(token.token)).status).toBe(401)
    expect((await bearer(oauth.access_token)).status).toBe(401)
    const refreshed = await fetch(`${app.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: oauth.refresh_token!,
        client_id: provider.client!.client_id,
        resource: `${app.url}/mcp`,
      }),
    })
    expect(refreshed.status).toBe(400)
    expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant')
    expect((await fetch(oliveFeed.https_url)).status).toBe(404)
    // What the business's own token and the other owner's feed do is not Olive's: both keep working.
    expect((await bearer(app.tenant.agent_token)).status).toBe(200)
    expect((await fetch(ownerFeed.https_url)).status).toBe(200)
    const tokens = expectData(await owner.query({ type: 'agent_tokens' })).items
    expect(
      tokens
        .filter((t: any) => t.revoked_at)
        .map((t: any) => t.name)
        .sort(),
    ).toEqual(['Olive Desktop (OAuth)', 'Olive laptop agent'])
  })
})
