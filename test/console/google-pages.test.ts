import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../core/auth/agent-tokens.js'
import { GOOGLE_OFF } from '../../core/clients/google.js'
import type { Principal } from '../../core/kernel/context.js'
import { withTenant } from '../../core/db/tenant.js'
import { dailyBriefing } from '../../mcp/workflows/daily-briefing.js'
import { engines } from '../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../helpers/google.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'

const PAGE = '/settings/google'

/** The session's CSRF token, as the page's forms carry it. */
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

describe.each(engines)('Google in daily_briefing and on the pages (%s)', (engine) => {
  let google: GoogleFixture
  let pages: PageApp
  let agent: Principal

  const briefing = async () =>
    ((await dailyBriefing.run({ services: pages.app.services, principal: agent, requestId: randomUUID() }, {})) as { briefing: string })
      .briefing
  const asBusiness = (sql: string, params: unknown[]) =>
    withTenant(pages.app.t.db, { tenantId: pages.app.tenant.tenant_id, actorType: 'system' }, (tx) => tx.query(sql, params))

  beforeAll(async () => {
    google = await googleFixture()
    pages = await startPageApp(engine, { ...google.services }, { technician: 'signed-in', ownerName: 'Olive Owner' })
    agent = (await authenticateAgentToken(pages.app.t.db, pages.app.tenant.agent_token)) as Principal
  })
  afterAll(async () => {
    await pages?.app.close()
    await google?.close()
  })

  it('says nothing about Google while no account is in trouble, and links the page from More', async () => {
    expect(await briefing()).not.toContain('Google')
    await google.connect(
      pages.app.t.db,
      pages.app.tenant.tenant_id,
      pages.app.tenant.owner_user_id,
      ['calendar', 'gmail'],
      'olive@gmail.test',
    )
    await google.connect(pages.app.t.db, pages.app.tenant.tenant_id, pages.techId, ['calendar'], 'tom@gmail.test')
    expect(await briefing()).not.toContain('Google')
    expect((await pages.owner.get('/settings')).html).toContain(`href="${PAGE}"`)
    expect((await pages.tech.get('/')).html).toContain(`href="${PAGE}"`)
  })

  it('names each account to connect again and each failed sync, with their words', async () => {
    await asBusiness(`update google_connections set last_sync_at = now(), last_sync_error = $1 where user_id = $2`, [
      'Requested entity was not found.',
      pages.app.tenant.owner_user_id,
    ])
    await asBusiness(
      `update google_connections set status = 'needs_reconnect', access_token = null, refresh_token = null, status_reason = $1
       where user_id = $2`,
      ['Google refused to renew access to tom@gmail.test (Token has been expired or revoked.): connect again', pages.techId],
    )
    const line = (await briefing()).split('\n').find((l) => l.startsWith('Google:'))
    expect(line).toContain('Tom Tech (tom@gmail.test) needs connecting again "Google refused to renew access')
    expect(line).toContain('last sync of Olive Owner (olive@gmail.test) failed "Requested entity was not found."')
    expect(line).toContain('/settings/google')
    const owners = await pages.owner.get(PAGE)
    expect(owners.html).toContain('The last sync failed: Requested entity was not found.')
    expect(owners.html).toContain('Google stopped syncing <b>tom@gmail.test</b>: connect again.')
    const theirs = await pages.tech.get(PAGE)
    expect(theirs.html).toContain('Google stopped syncing <b>tom@gmail.test</b>: connect again.')
    expect(theirs.html).toContain('Connect my Google Calendar again')
  })

  it("lets the owner turn a feature off and ask a team member's account to sync", async () => {
    const page = await pages.owner.get(PAGE)
    const off = await pages.owner.submit(page.html, `${PAGE}/turn-off`)
    expect(off.location).toBe(`${PAGE}?done=turned_off`)
    const after = await pages.owner.get(`${PAGE}?done=turned_off`)
    expect(after.html).toContain('Turned off.')
    expect(after.html).toContain('On: Gmail.')
    const sync = await pages.owner.submit(after.html, `${PAGE}/sync`)
    expect(sync.location).toBe(`${PAGE}?done=sync`)
    expect((await pages.owner.get(`${PAGE}?done=sync`)).html).toContain('A sync is asked for.')
    // A technician's account that Google refused cannot be synced, and the page says why.
    const tech = await pages.owner.post(`${PAGE}/sync`, [
      ['_csrf', csrfOf(after.html)],
      ['user_id', pages.techId],
    ])
    expect(tech.status).toBe(409)
    expect(tech.html).toContain('No sync was asked for. Google needs connecting again')
  })
})

describe.each(engines)('the Google page while Google is off (%s)', (engine) => {
  let pages: PageApp
  beforeAll(async () => {
    pages = await startPageApp(engine, { integrations: { google: null } }, { technician: 'signed-in' })
  })
  afterAll(async () => {
    await pages?.app.close()
  })

  it('says why and what to set, and offers no Connect', async () => {
    const page = await pages.owner.get(PAGE)
    expect(page.status).toBe(200)
    expect(page.html).toContain(GOOGLE_OFF)
    expect(page.html).toContain(`<code>${pages.app.url}${PAGE}/callback</code>`)
    expect(page.html).toContain('CRM_ENCRYPTION_KEY')
    expect(page.html).not.toContain(`action="${PAGE}/connect"`)
    const theirs = await pages.tech.get(PAGE)
    expect(theirs.status).toBe(200)
    expect(theirs.html).toContain('cannot be connected on this server yet')
    expect(theirs.html).not.toContain(`action="${PAGE}/connect"`)
    const refused = await pages.owner.post(`${PAGE}/connect`, [
      // This page has no form to read the session's token from: the settings page's forms carry it.
      ['_csrf', csrfOf((await pages.owner.get('/settings')).html)],
      ['features', 'calendar'],
    ])
    expect(refused.status).toBe(503)
    expect(refused.html).toContain(`Google was not connected. ${GOOGLE_OFF}`)
  })
})
