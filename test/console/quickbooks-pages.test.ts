import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../core/auth/agent-tokens.js'
import { quickbooksClientFromEnv } from '../../core/domains/quickbooks/client/quickbooks.js'
import type { Principal } from '../../core/kernel/context.js'
import { withTenant } from '../../core/db/tenant.js'
import { createSecretBox } from '../../core/kernel/secret-box.js'
import { dailyBriefing } from '../../mcp/workflows/daily-briefing.js'
import { engines } from '../helpers/databases.js'
import { startFakeQuickBooks, type FakeQuickBooks } from '../helpers/fake-quickbooks.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'

const REFUSED =
  'Duplicate Name Exists Error: The name supplied already exists. : Another customer, vendor or employee is already using this name.'

describe.each(engines)("QuickBooks on the owner's pages and in daily_briefing (%s)", (engine) => {
  let fake: FakeQuickBooks
  let pages: PageApp
  let agent: Principal
  let customerId: string
  let invoiceId: string
  let invoiceNumber: string

  const asBusiness = <T>(sql: string, params: unknown[] = []) =>
    withTenant(pages.app.t.db, { tenantId: pages.app.tenant.tenant_id, actorType: 'system' }, (tx) => tx.query<T>(sql, params))
  const briefing = async () =>
    ((await dailyBriefing.run({ services: pages.app.services, principal: agent, requestId: randomUUID() }, {})) as { briefing: string })
      .briefing
  const connectionAs = (status: string, extra = '') =>
    asBusiness(
      `insert into quickbooks_connections (tenant_id, realm_id, company_name, access_token, refresh_token, status, status_reason, last_sync_at)
       values ($1, $2, 'Sparkle Windows LLC', $3, $3, $4, $5, now())
       on conflict (tenant_id) do update set status = excluded.status, status_reason = excluded.status_reason,
         access_token = excluded.access_token, refresh_token = excluded.refresh_token, last_sync_error = null ${extra}`,
      [
        pages.app.tenant.tenant_id,
        fake.realmId,
        status === 'connected' ? 'v1.sealed.token.here' : null,
        status,
        status === 'connected'
          ? null
          : status === 'needs_reconnect'
            ? 'Intuit refused the refresh token (invalid_grant)'
            : 'Disconnected by you',
      ],
    )

  beforeAll(async () => {
    fake = await startFakeQuickBooks()
    pages = await startPageApp(
      engine,
      { integrations: { quickbooks: quickbooksClientFromEnv(fake.env) }, secrets: createSecretBox(randomBytes(32)) },
      { technician: 'signed-in' },
    )
    agent = (await authenticateAgentToken(pages.app.t.db, pages.app.tenant.agent_token)) as Principal
    customerId = (await pages.app.action('contact', 'create', { display_name: 'Dana <Duplicate>', email: 'dana@example.com' })).body.data.id
    const invoice = (
      await pages.app.action('invoice', 'create', {
        contact_id: customerId,
        line_items: [{ description: 'Window cleaning', unit_price_cents: 15000 }],
      })
    ).body.data
    invoiceId = invoice.id
    invoiceNumber = invoice.number
  })
  afterAll(async () => {
    await pages?.app.close()
    await fake?.close()
  })

  it('says nothing about QuickBooks anywhere while no company was ever connected', async () => {
    expect(await briefing()).not.toContain('QuickBooks')
    expect((await pages.owner.get('/')).html).not.toContain('QuickBooks needs you')
    expect((await pages.owner.get(`/customers/${customerId}`)).html).not.toContain('QuickBooks:')
    expect((await pages.owner.get(`/invoices/${invoiceId}`)).html).not.toContain('QuickBooks:')
    const settings = await pages.owner.get('/settings/quickbooks')
    expect(settings.status).toBe(200)
    expect(settings.html).toContain('Not connected')
    expect((await pages.owner.get('/settings')).html).toContain('href="/settings/quickbooks"')
  })

  it('is the owner’s page alone', async () => {
    expect((await pages.tech.get('/settings/quickbooks')).status).toBe(403)
    const sync = await pages.tech.post('/settings/quickbooks/sync', { _csrf: 'x' })
    expect(sync.status).toBeGreaterThanOrEqual(400)
  })

  it("lists a record QuickBooks refused, in its words, on Home, the settings page, the customer's page and the briefing; Retry puts it back in line", async () => {
    await connectionAs('connected')
    await asBusiness(
      `insert into quickbooks_records (tenant_id, kind, record_id, realm_id, state, error) values ($1, 'customer', $2, $3, 'failed', $4),
         ($1, 'invoice', $5, $3, 'pending', null)`,
      [pages.app.tenant.tenant_id, customerId, fake.realmId, REFUSED, invoiceId],
    )
    const brief = await briefing()
    expect(brief).toContain(`QuickBooks: 1 record failed: customer Dana <Duplicate> (${customerId}) "Duplicate Name Exists Error`)
    expect(brief).toContain('quickbooks.retry')
    const home = await pages.owner.get('/')
    expect(home.html).toContain('QuickBooks needs you')
    expect(home.html).toContain('Duplicate Name Exists Error: The name supplied already exists.')
    const settings = await pages.owner.get('/settings/quickbooks')
    expect(settings.html).toContain('Connected to <b>Sparkle Windows LLC</b>')
    expect(settings.html).toContain('0 synced, 1 waiting to be sent, 1 failed.')
    expect(settings.html).toContain(`<a href="/customers/${customerId}">Dana &lt;Duplicate&gt;</a>: Duplicate Name Exists Error`)
    expect(settings.html).toContain(`<a href="/invoices/${invoiceId}">Invoice ${invoiceNumber}</a>`)
    expect((await pages.owner.get(`/invoices/${invoiceId}`)).html).toContain('QuickBooks: pending, sent at the next sync.')
    const customer = await pages.owner.get(`/customers/${customerId}`)
    expect(customer.html).toContain('QuickBooks: <span class="err">failed</span>. QuickBooks said: Duplicate Name Exists Error')
    const retried = await pages.owner.submit(customer.html, '/settings/quickbooks/retry')
    expect(retried.status).toBe(303)
    expect(retried.location).toBe(`/customers/${customerId}`)
    expect((await pages.owner.get(`/customers/${customerId}`)).html).toContain('QuickBooks: pending')
    expect(await briefing()).not.toContain('QuickBooks')
    expect((await pages.owner.get('/')).html).not.toContain('QuickBooks needs you')
  })

  it('asks for a sync from the page with the owner’s CSRF token, and refuses a form without it', async () => {
    const page = await pages.owner.get('/settings/quickbooks')
    expect((await pages.owner.post('/settings/quickbooks/sync', {})).status).toBe(403)
    const asked = await pages.owner.submit(page.html, '/settings/quickbooks/sync')
    expect(asked.status).toBe(303)
    expect((await pages.owner.get(asked.location as string)).html).toContain('A sync was asked for')
    const [row] = (await asBusiness<{ sync_requested_at: Date | null }>('select sync_requested_at from quickbooks_connections')).rows
    expect(row.sync_requested_at).not.toBeNull()
  })

  it('says when the last sync failed as a whole', async () => {
    await asBusiness(`update quickbooks_connections set last_sync_error = 'QuickBooks answered HTTP 503: Service Unavailable'`)
    expect(await briefing()).toContain('QuickBooks: The last QuickBooks sync failed: QuickBooks answered HTTP 503')
    expect((await pages.owner.get('/settings/quickbooks')).html).toContain('The last sync failed: QuickBooks answered HTTP 503')
    await asBusiness('update quickbooks_connections set last_sync_error = null')
  })

  it('says a company needs connecting again, with Intuit’s reason, and offers Connect again', async () => {
    await connectionAs('needs_reconnect')
    expect(await briefing()).toContain('QuickBooks needs connecting again (Intuit refused the refresh token (invalid_grant))')
    const home = await pages.owner.get('/')
    expect(home.html).toContain('QuickBooks needs connecting again')
    const settings = await pages.owner.get('/settings/quickbooks')
    expect(settings.html).toContain('QuickBooks stopped syncing: it needs connecting again.')
    expect(settings.html).toContain('Connect QuickBooks again')
    expect(settings.html).not.toContain('action="/settings/quickbooks/sync"')
  })

  it('says a disconnected company left records waiting, and says nothing once none wait', async () => {
    await connectionAs('disconnected')
    expect(await briefing()).toContain('QuickBooks is disconnected (Disconnected by you) with 2 records waiting to be sent')
    expect((await pages.owner.get(`/invoices/${invoiceId}`)).html).toContain(
      'once <a href="/settings/quickbooks">QuickBooks is connected again</a>',
    )
    await asBusiness(`update quickbooks_records set state = 'synced', remote_id = '58'`)
    expect(await briefing()).not.toContain('QuickBooks')
    expect((await pages.owner.get(`/invoices/${invoiceId}`)).html).toContain('QuickBooks: synced (QuickBooks id 58)')
  })
})
