import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { quickbooksClientFromEnv } from '../../../core/domains/quickbooks/client/quickbooks.js'
import { withTenant, withWorkerRole } from '../../../core/db/tenant.js'
import { quickbooksClientOf } from '../../../core/domains/quickbooks/availability.js'
import { finishConnect } from '../../../core/domains/quickbooks/connect.js'
import { AppError } from '../../../core/kernel/errors.js'
import { createSecretBox, type SecretBox } from '../../../core/kernel/secret-box.js'
import { engines } from '../../helpers/databases.js'
import { startFakeQuickBooks, type FakeQuickBooks } from '../../helpers/fake-quickbooks.js'
import { startPageApp, type PageApp } from '../../helpers/page-app.js'

const why = 'The owner asked me to hook up the books'

describe.each(engines)('connecting QuickBooks (%s)', (engine) => {
  let fake: FakeQuickBooks
  let secrets: SecretBox
  let pages: PageApp
  let clock = new Date()

  beforeAll(async () => {
    fake = await startFakeQuickBooks()
    secrets = createSecretBox(randomBytes(32))
    pages = await startPageApp(engine, { integrations: { quickbooks: quickbooksClientFromEnv(fake.env) }, secrets, now: () => clock })
  })
  afterAll(async () => {
    await pages?.app.close()
    await fake?.close()
  })

  /** The owner presses Connect, approves at Intuit (the fake), and is sent back to the callback: its answer. */
  async function connectAsOwner() {
    const start = await pages.owner.get('/settings/quickbooks/connect')
    expect(start.status).toBe(303)
    const intuit = await fetch(start.location as string, { redirect: 'manual' })
    expect(intuit.status).toBe(302)
    const back = new URL(intuit.headers.get('location') as string)
    expect(back.origin).toBe(pages.app.url)
    return { back, answer: await pages.owner.get(back.pathname + back.search) }
  }

  const row = async () =>
    (
      await pages.app.t.admin.query<Record<string, any>>('select * from quickbooks_connections where tenant_id = $1', [
        pages.app.tenant.tenant_id,
      ])
    ).rows[0]

  it('connects end to end: Intuit is asked for the accounting scope, and the tokens are stored sealed', async () => {
    const before = await pages.owner.get('/settings/quickbooks')
    expect(before.html).toContain('Not connected')
    // Connect's answer leads to Intuit: the page's policy lets a form go there, or a browser stops it.
    const formAction = /form-action ([^;]*)/.exec(before.headers.get('content-security-policy') ?? '')?.[1] ?? ''
    expect(formAction.split(' ')).toContain(new URL(fake.env.QUICKBOOKS_AUTHORIZE_URL).origin)
    expect(before.html).toContain('action="/settings/quickbooks/connect"')
    const { answer } = await connectAsOwner()
    expect(answer.status).toBe(303)
    expect(answer.location).toBe('/settings/quickbooks?done=connected')
    const authorize = fake.requests.find((r) => r.path === '/connect/oauth2')
    expect(authorize?.query.scope).toBe('com.intuit.quickbooks.accounting')
    expect(authorize?.query.redirect_uri).toBe(`${pages.app.url}/settings/quickbooks/callback`)
    const stored = await row()
    expect(stored.status).toBe('connected')
    expect(stored.realm_id).toBe(fake.realmId)
    expect(stored.connected_by).toBe(pages.app.tenant.owner_user_id)
    const access = secrets.open(stored.access_token)
    const refresh = secrets.open(stored.refresh_token)
    expect(access).toMatch(/^eyJfake\./)
    expect(refresh).toMatch(/^AB11/)
    const raw = JSON.stringify(stored)
    expect(raw).not.toContain(access)
    expect(raw).not.toContain(refresh)
    // The state sent to Intuit is kept only as a hash, and used up.
    const states = await pages.app.t.admin.query('select * from quickbooks_connect_states')
    expect(states.rows).toEqual([])
    const page = await pages.owner.get('/settings/quickbooks?done=connected')
    expect(page.html).toContain('QuickBooks is connected')
    expect(page.html).toContain(`QuickBooks company ${fake.realmId}`)
    expect(page.html).toContain('action="/settings/quickbooks/sync"')
    expect(page.html).toContain('action="/settings/quickbooks/disconnect"')
  })

  it("brings the company's customers in from the page: a dry run first, then the import", async () => {
    fake.data[fake.realmId].create('Customer', {
      DisplayName: 'Quentin Books',
      PrimaryEmailAddr: { Address: 'quentin@example.com' },
      Active: true,
    })
    const page = await pages.owner.get('/settings/quickbooks')
    const dry = await pages.owner.submit(page.html, '/settings/quickbooks/import')
    expect(dry.status).toBe(200)
    expect(dry.html).toContain('Nothing has been written yet.')
    expect(dry.html).toContain('Quentin Books')
    const count = async () =>
      (await pages.app.t.admin.query<{ n: number }>(`select count(*)::int as n from contacts where display_name = 'Quentin Books'`)).rows[0]
        .n
    expect(await count()).toBe(0)
    const done = await pages.owner.submit(dry.html, '/settings/quickbooks/import')
    expect(done.status).toBe(200)
    expect(done.html).toContain('Imported.')
    expect(await count()).toBe(1)
  })

  it('refuses a reused state, a state never given, and one past its ten minutes, saying so', async () => {
    const { back } = await connectAsOwner()
    const again = await pages.owner.get(back.pathname + back.search)
    expect(again.status).toBe(409)
    expect(again.html).toContain('already used')
    const forged = new URL(back)
    forged.searchParams.set('state', 'made-up-state')
    expect((await pages.owner.get(forged.pathname + forged.search)).html).toContain('already used or was not started by your business')

    const start = await pages.owner.get('/settings/quickbooks/connect')
    const state = new URL(start.location as string).searchParams.get('state') as string
    const late = new URL(fake.authorizeCode(fake.realmId, `${pages.app.url}/settings/quickbooks/callback`, state))
    clock = new Date(clock.getTime() + 11 * 60_000)
    const expired = await pages.owner.get(late.pathname + late.search)
    expect(expired.status).toBe(409)
    expect(expired.html).toContain('expired')
  })

  it("shows Intuit's refusal when the owner cancels there", async () => {
    const start = await pages.owner.get('/settings/quickbooks/connect')
    const state = new URL(start.location as string).searchParams.get('state') as string
    const answer = await pages.owner.get(`/settings/quickbooks/callback?error=access_denied&state=${encodeURIComponent(state)}`)
    expect(answer.status).toBe(409)
    expect(answer.html).toContain('Intuit answered access_denied')
  })

  it("keeps one business's connection and connect states out of another's reach", async () => {
    const other = await pages.app.createTenant('Other Gutters')
    const seen = await withTenant(pages.app.t.db, { tenantId: other.tenant_id, actorType: 'system' }, (tx) =>
      tx.query('select * from quickbooks_connections'),
    )
    expect(seen.rows).toEqual([])
    const read = await pages.app.query({ type: 'quickbooks_connection' }, other.agent_token)
    expect(read.body.data.items[0].status).toBe('never_connected')
    expect(read.body.data.items[0].realm_id).toBeNull()
    // Its sync list is not an empty list, which would read as everything being in QuickBooks: nothing was ever sent.
    const sync = await pages.app.query({ type: 'quickbooks_sync' }, other.agent_token)
    expect(sync.status).toBe(409)
    expect(sync.body.error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/^No QuickBooks company was ever connected, so no record was sent/),
    })
    // A state the first business began cannot be finished by the second.
    const start = await pages.owner.get('/settings/quickbooks/connect')
    const state = new URL(start.location as string).searchParams.get('state') as string
    const back = new URL(fake.authorizeCode(fake.realmId, `${pages.app.url}/settings/quickbooks/callback`, state)).searchParams
    const otherOwner = { tenantId: other.tenant_id, actor: { type: 'user' as const, id: other.owner_user_id, role: 'owner' as const } }
    const refused = await finishConnect(
      pages.app.services,
      otherOwner,
      { state, code: back.get('code') ?? '', realmId: fake.realmId },
      randomUUID(),
    ).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect((refused as AppError).code).toBe('CONFLICT')
    const theirs = await withTenant(pages.app.t.db, { tenantId: other.tenant_id, actorType: 'system' }, (tx) =>
      tx.query('select * from quickbooks_connections'),
    )
    expect(theirs.rows).toEqual([])
  })

  it("queues the agent's connect and disconnect for the owner, changing nothing", async () => {
    const before = await row()
    const states = async () => (await pages.app.t.admin.query('select state_hash from quickbooks_connect_states')).rows
    const statesBefore = await states()
    const connect = await pages.app.action('quickbooks', 'connect', {}, { reasoning: why })
    expect(connect.status).toBe(202)
    expect(connect.body.data.status).toBe('pending_authorization')
    const disconnect = await pages.app.action('quickbooks', 'disconnect', {}, { reasoning: why })
    expect(disconnect.body.data.status).toBe('pending_authorization')
    expect(await row()).toEqual(before)
    expect(await states()).toEqual(statesBefore)
    const review = await pages.owner.get('/review')
    expect(review.html).toContain('QuickBooks')
    // Allowed, the agent's connect gives the Intuit page to open, which the owner must still approve there.
    await pages.app.ownerAction('authorization', 'decide', { request_id: connect.body.data.request_id, decision: 'allow_once' })
    const decided = await pages.app.t.admin.query<{ status: string; result: { authorize_url: string } }>(
      'select status, result from authorization_requests where id = $1',
      [connect.body.data.request_id],
    )
    expect(decided.rows[0].status).toBe('executed')
    expect(decided.rows[0].result.authorize_url).toContain(`${fake.url}/connect/oauth2?`)
    expect(await row()).toEqual(before)
  })

  it('lets the agent ask for a sync, which the worker then finds due', async () => {
    const asked = await pages.app.action('quickbooks', 'sync', {})
    expect(asked.status).toBe(200)
    expect(asked.body.data.status).toBe('connected')
    expect(new Date(asked.body.data.sync_requested_at).getTime()).toBe(clock.getTime())
    const due = await withWorkerRole(pages.app.t.db, (tx) =>
      tx.query<{ tenant_id: string }>('select tenant_id from quickbooks_companies_due($1, 900)', [clock]),
    )
    expect(due.rows.map((r) => r.tenant_id)).toContain(pages.app.tenant.tenant_id)
  })

  it('retries a failed record once, and refuses one that is not failed or never went', async () => {
    const contact = await pages.app.ownerAction('contact', 'create', { display_name: 'Dana Duplicate' })
    await withTenant(pages.app.t.db, { tenantId: pages.app.tenant.tenant_id, actorType: 'system' }, (tx) =>
      tx.query(
        `insert into quickbooks_records (tenant_id, kind, record_id, realm_id, state, error)
         values ($1, 'customer', $2, $3, 'failed', 'Duplicate Name Exists Error: The name supplied already exists.')`,
        [pages.app.tenant.tenant_id, contact.id, fake.realmId],
      ),
    )
    const retried = await pages.app.action('quickbooks', 'retry', { kind: 'customer', record_id: contact.id })
    expect(retried.status).toBe(200)
    expect(retried.body.data).toMatchObject({ id: contact.id, kind: 'customer', state: 'pending', error: null })
    const again = await pages.app.action('quickbooks', 'retry', { kind: 'customer', record_id: contact.id })
    expect(again.status).toBe(409)
    expect(again.body.error.message).toContain('pending')
    const never = await pages.app.action('quickbooks', 'retry', { kind: 'invoice', record_id: randomUUID() })
    expect(never.status).toBe(404)
    const wrong = await pages.app.action('quickbooks', 'retry', { kind: 'vendor', record_id: contact.id })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.message).toContain('kind')
  })

  it('disconnects: the refresh token is revoked at Intuit, the tokens forgotten, and nothing syncs', async () => {
    const stored = await row()
    const refresh = secrets.open(stored.refresh_token)
    const page = await pages.owner.get('/settings/quickbooks')
    const answer = await pages.owner.submit(page.html, '/settings/quickbooks/disconnect')
    expect(answer.status).toBe(303)
    const revoke = fake.requests.filter((r) => r.path === '/v2/oauth2/tokens/revoke')
    expect(revoke.at(-1)?.body).toEqual({ token: refresh })
    const after = await row()
    expect(after).toMatchObject({ status: 'disconnected', access_token: null, refresh_token: null })
    expect(after.status_reason).toBe('Disconnected by you')
    // Intuit no longer honours the grant.
    const refused = await quickbooksClientOf(pages.app.services)
      ?.refresh(refresh, new Date())
      .catch((e: { code: string }) => e)
    expect(refused).toMatchObject({ code: 'invalid_grant' })
    const sync = await pages.app.action('quickbooks', 'sync', {})
    expect(sync.status).toBe(409)
    expect(sync.body.error.message).toContain('QuickBooks was disconnected (Disconnected by you)')
    const due = await withWorkerRole(pages.app.t.db, (tx) => tx.query('select tenant_id from quickbooks_companies_due($1, 0)', [clock]))
    expect(due.rows).toEqual([])
    const shown = await pages.owner.get('/settings/quickbooks')
    expect(shown.html).toContain('Disconnected from')
    expect(shown.html).toContain('Connect QuickBooks again')
    const twice = await pages.app.ownerAction('quickbooks', 'disconnect', {})
    expect(twice.status).toBe('disconnected')
  })

  it("says a sync cannot run when the company needs connecting again, giving Intuit's reason", async () => {
    await withTenant(pages.app.t.db, { tenantId: pages.app.tenant.tenant_id, actorType: 'system' }, (tx) =>
      tx.query(`update quickbooks_connections set status = 'needs_reconnect', status_reason = 'Intuit refused the refresh token'`),
    )
    const sync = await pages.app.action('quickbooks', 'sync', {})
    expect(sync.status).toBe(409)
    expect(sync.body.error.message).toContain('QuickBooks needs connecting again (Intuit refused the refresh token)')
  })
})

describe.each(engines)('QuickBooks off (%s)', (engine) => {
  let pages: PageApp
  beforeAll(async () => {
    pages = await startPageApp(engine, { integrations: { quickbooks: null }, secrets: null })
  })
  afterAll(() => pages?.app.close())

  it('refuses a connect, naming what to set, and the page says so without a Connect button', async () => {
    const connect = await pages.app.ownerAction('quickbooks', 'connect', {}).catch((e: AppError) => e)
    expect(connect).toMatchObject({ code: 'UNAVAILABLE' })
    expect((connect as AppError).message).toContain('QUICKBOOKS_CLIENT_ID')
    const page = await pages.owner.get('/settings/quickbooks')
    expect(page.status).toBe(200)
    expect(page.html).toContain('This server cannot connect QuickBooks yet')
    expect(page.html).not.toContain('action="/settings/quickbooks/connect"')
    const sync = await pages.app.action('quickbooks', 'sync', {})
    expect(sync.status).toBe(409)
    expect(sync.body.error.message).toContain('No QuickBooks company is connected')
  })

  it('refuses a connect without CRM_ENCRYPTION_KEY even with the Intuit keys', async () => {
    const fake = await startFakeQuickBooks()
    try {
      pages.app.services.integrations.quickbooks = quickbooksClientFromEnv(fake.env)
      const connect = await pages.app.ownerAction('quickbooks', 'connect', {}).catch((e: AppError) => e)
      expect(connect).toMatchObject({ code: 'UNAVAILABLE' })
      expect((connect as AppError).message).toContain('CRM_ENCRYPTION_KEY')
    } finally {
      pages.app.services.integrations.quickbooks = null
      await fake.close()
    }
  })
})
