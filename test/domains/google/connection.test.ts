import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../../core/db/tenant.js'
import { loadGoogleConnection } from '../../../core/domains/google/connection.js'
import { accountCaller } from '../../../core/domains/google/tokens.js'
import { AppError } from '../../../core/kernel/errors.js'
import { performAction, performQuery } from '../../../core/kernel/operations.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'

/** An address of the fake that answers who called, standing for any Google API of the calendar scope. */
const WHO = 'https://www.googleapis.com/calendar/v3/test/who'

describe.each(engines)('a Google connection (%s)', (engine) => {
  let google: GoogleFixture
  let app: TestApp

  beforeAll(async () => {
    google = await googleFixture()
    google.fake.addRoutes([
      {
        method: 'GET',
        path: /^\/calendar\/v3\/test\/who$/,
        scopes: ['https://www.googleapis.com/auth/calendar.events'],
        handle: (req) => ({ status: 200, body: { email: req.grant.email } }),
      },
    ])
    app = await startTestApp(engine, google.services)
  })
  afterAll(async () => {
    await app?.close()
    await google?.close()
  })

  /** A business whose owner connected their calendar; its connection read back as stored. */
  async function connected() {
    const tenant = await app.createTenant(`Google ${randomUUID().slice(0, 6)}`)
    const email = await google.connect(app.t.db, tenant.tenant_id, tenant.owner_user_id, ['calendar'])
    const stored = () =>
      withTenant(app.t.db, { tenantId: tenant.tenant_id, actorType: 'system' }, (tx) => loadGoogleConnection(tx, tenant.owner_user_id))
    return { tenant, email, stored }
  }

  it('reads as off, with what to set, while Google is off on this server; connected again once it is on', async () => {
    const { tenant } = await connected()
    const owner = { tenantId: tenant.tenant_id, actor: { type: 'user' as const, id: tenant.owner_user_id, role: 'owner' as const } }
    const read = async (services: typeof app.services) =>
      ((await performQuery(services, owner, { type: 'google_connection' }, { requestId: randomUUID() })) as any).items[0]
    const off = await read({ ...app.services, integrations: { ...app.services.integrations, google: null } })
    expect(off).toMatchObject({ status: 'off', features: { calendar: false, contacts: false, gmail: false } })
    expect(off.status_reason).toMatch(/GOOGLE_CLIENT_ID/)
    expect(await read(app.services)).toMatchObject({ status: 'connected', features: { calendar: true } })
  })

  it('keeps the tokens sealed: the row holds no token text', async () => {
    const { tenant, stored } = await connected()
    const row = await stored()
    const access = google.secrets.open(row?.access_token ?? '')
    const refresh = google.secrets.open(row?.refresh_token ?? '')
    expect(access).toMatch(/^ya29\./)
    expect(refresh).toMatch(/^1\/\//)
    const raw = await app.t.admin.query('select * from google_connections where tenant_id = $1', [tenant.tenant_id])
    expect(JSON.stringify(raw.rows)).not.toContain(access)
    expect(JSON.stringify(raw.rows)).not.toContain(refresh)
  })

  it('refreshes an expired access token once, even for calls made together, and keeps the new one sealed', async () => {
    const { tenant, email, stored } = await connected()
    const before = (await stored())?.access_token
    google.fake.expireAccessTokens()
    const refreshesBefore = google.fake.oauth.counts.refreshes
    const caller = accountCaller(app.services, tenant.tenant_id, tenant.owner_user_id)
    const answers = await Promise.all([caller.call('GET', WHO), caller.call('GET', WHO), caller.call('GET', WHO)])
    expect(answers.map((a) => a.email)).toEqual([email, email, email])
    expect(google.fake.oauth.counts.refreshes - refreshesBefore).toBe(1)
    const after = await stored()
    expect(after?.access_token).not.toBe(before)
    expect(google.secrets.open(after?.access_token ?? '')).toMatch(/^ya29\./)
  })

  it('stops for good when the person revoked the app at Google: needs connecting again, never retried', async () => {
    const { tenant, email, stored } = await connected()
    google.fake.revokeGrant(email)
    google.fake.expireAccessTokens()
    const refused = await accountCaller(app.services, tenant.tenant_id, tenant.owner_user_id)
      .call('GET', WHO)
      .catch((e) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect(refused.message).toMatch(/Google refused to renew access to .* connect again/)
    const row = await stored()
    expect(row?.status).toBe('needs_reconnect')
    expect(row?.access_token).toBeNull()
    const refusedBefore = google.fake.oauth.counts.refused
    await expect(accountCaller(app.services, tenant.tenant_id, tenant.owner_user_id).call('GET', WHO)).rejects.toThrow(
      /needs connecting again/,
    )
    expect(google.fake.oauth.counts.refused).toBe(refusedBefore)
    const due = await app.t.admin.query('select * from google_connections_due(now(), 0) where tenant_id = $1', [tenant.tenant_id])
    expect(due.rows).toEqual([])
  })

  it('disconnects: the tokens are forgotten and the grant revoked at Google', async () => {
    const { tenant, email, stored } = await connected()
    const owner = { tenantId: tenant.tenant_id, actor: { type: 'user' as const, id: tenant.owner_user_id, role: 'owner' as const } }
    const done = await performAction(
      app.services,
      owner,
      { domain: 'google', action: 'disconnect', data: { reason: 'Switching accounts' } },
      { requestId: randomUUID() },
    )
    expect(done.result).toMatchObject({ status: 'disconnected', status_reason: 'Switching accounts', google_email: email })
    expect(google.fake.oauth.grants.get(email)?.revoked).toBe(true)
    const row = await stored()
    expect(row?.refresh_token).toBeNull()
    await expect(
      performAction(
        app.services,
        owner,
        { domain: 'google', action: 'sync', data: { user_id: tenant.owner_user_id } },
        { requestId: randomUUID() },
      ),
    ).rejects.toThrow(/Google was disconnected/)
  })
})
