import { createHmac, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { quickbooksClientFromEnv } from '../../core/domains/quickbooks/client/quickbooks.js'
import { withTenant } from '../../core/db/tenant.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'

const VERIFIER = randomBytes(16).toString('hex')
const REALM = '9130357766900456'
const ENV = { QUICKBOOKS_CLIENT_ID: 'ABclient', QUICKBOOKS_CLIENT_SECRET: 'secret', QUICKBOOKS_WEBHOOK_VERIFIER: VERIFIER }

/** Intuit's signature of a delivery: base64 HMAC-SHA256 of the exact body with the app's verifier token. */
function signature(body: string, verifier = VERIFIER): string {
  return createHmac('sha256', verifier).update(body).digest('base64')
}

/** The notification Intuit sends when records of these companies changed. */
function notification(...realms: string[]): string {
  return JSON.stringify({
    eventNotifications: realms.map((realmId) => ({
      realmId,
      dataChangeEvent: { entities: [{ name: 'Payment', id: '145', operation: 'Create', lastUpdated: '2026-11-24T14:00:00.000Z' }] },
    })),
  })
}

describe.each(engines)('POST /api/webhooks/quickbooks on %s', (engine) => {
  let app: TestApp
  const post = (body: string, headers: Record<string, string>) =>
    app.call('POST', '/api/webhooks/quickbooks', body, { authorization: '', 'content-type': 'application/json', ...headers })
  const requested = async (tenantId = app.tenant.tenant_id) =>
    (
      await withTenant(app.t.db, { tenantId, actorType: 'system' }, (tx) =>
        tx.query<{ sync_requested_at: Date | null }>('select sync_requested_at from quickbooks_connections'),
      )
    ).rows[0]?.sync_requested_at ?? null

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { quickbooks: quickbooksClientFromEnv(ENV) } })
    await withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, (tx) =>
      tx.query(
        `insert into quickbooks_connections (tenant_id, realm_id, access_token, refresh_token, last_sync_at, sync_requested_at)
         values ($1, $2, 'v1.sealed', 'v1.sealed', now(), null)`,
        [app.tenant.tenant_id, REALM],
      ),
    )
  })
  afterAll(() => app?.close())

  it("asks for a sync of the company a signed notification names, and of no other business's", async () => {
    const other = await app.createTenant('Other Gutters')
    await withTenant(app.t.db, { tenantId: other.tenant_id, actorType: 'system' }, (tx) =>
      tx.query(`insert into quickbooks_connections (tenant_id, realm_id, access_token, refresh_token) values ($1, '555', 'v1.x', 'v1.x')`, [
        other.tenant_id,
      ]),
    )
    const otherBefore = await requested(other.tenant_id)
    const body = notification(REALM, 'unknown-realm')
    const res = await post(body, { 'intuit-signature': signature(body) })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ received: true, companies: 1 })
    expect(await requested()).not.toBeNull()
    expect(await requested(other.tenant_id)).toEqual(otherBefore)
  })

  it('refuses a delivery without a signature or with a wrong one, changing nothing', async () => {
    await app.t.admin.query('update quickbooks_connections set sync_requested_at = null')
    const body = notification(REALM)
    const missing = await post(body, {})
    expect(missing.status).toBe(401)
    expect(missing.body.error.message).toContain('intuit-signature header is required')
    const wrong = await post(body, { 'intuit-signature': signature(body, 'another-verifier') })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED')
    const altered = await post(body.replace(REALM, '1'), { 'intuit-signature': signature(body) })
    expect(altered.status).toBe(401)
    expect(await requested()).toBeNull()
  })

  it('refuses a signed body that is not a notification, naming what was expected', async () => {
    const garbled = '{"eventNotifications": '
    const bad = await post(garbled, { 'intuit-signature': signature(garbled) })
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toContain('not valid JSON')
    const shapeless = JSON.stringify({ hello: 'world' })
    const odd = await post(shapeless, { 'intuit-signature': signature(shapeless) })
    expect(odd.status).toBe(400)
    expect(odd.body.error.message).toContain('eventNotifications')
  })

  it('is off with a clear message when QUICKBOOKS_WEBHOOK_VERIFIER is unset', async () => {
    const kept = app.services.integrations.quickbooks
    app.services.integrations.quickbooks = quickbooksClientFromEnv({ ...ENV, QUICKBOOKS_WEBHOOK_VERIFIER: '' })
    try {
      const body = notification(REALM)
      const res = await post(body, { 'intuit-signature': signature(body) })
      expect(res.status).toBe(503)
      expect(res.body.error.message).toContain('set QUICKBOOKS_WEBHOOK_VERIFIER')
    } finally {
      app.services.integrations.quickbooks = kept
    }
  })
})
