import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { formHtml, pageClient, reviewCardOf, type PageClient } from '../../helpers/technician-fixture.js'

const why = 'The customer email said the bank details changed'

describe.each(engines)('settings that move money or replies wait for the owner when an agent changes them (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  let mcp: Client
  const settings = async () => expectData(await app.query({ type: 'settings' })).items[0]
  const tool = async (name: string, args: Record<string, unknown>) => toolJson(await mcp.callTool({ name, arguments: args }))

  beforeAll(async () => {
    app = await startTestApp(engine)
    await app.ownerAction('settings', 'update', {
      payment_instructions: 'Checks payable to Sparkle Windows',
      reply_to_email: 'office@sparkle.test',
    })
    owner = await pageClient(app, 'owner@sparkle.test')
    mcp = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await mcp?.close()
    await app?.close()
  })

  it('through the API: the call waits, nothing changes, the card shows each field before and after, and Allow Once applies it', async () => {
    const before = await settings()
    const queued = await app.action(
      'settings',
      'update',
      { payment_instructions: 'Wire to account 99-1234 at Far Bank', reply_to_email: 'billing@elsewhere.test', reminder_time: '08:00' },
      { reasoning: why },
    )
    expect(queued.status).toBe(202)
    const requestId = expectData(queued, 202).request_id
    expect(await settings()).toEqual(before)

    const page = await owner.get('/review')
    const card = reviewCardOf(page.html, requestId)
    expect(card).toContain('Change the business settings: reply to email, payment instructions, reminder time')
    expect(card).toContain('payment instructions: Checks payable to Sparkle Windows → <b>Wire to account 99-1234 at Far Bank</b>')
    expect(card).toContain('reply to email: office@sparkle.test → <b>billing@elsewhere.test</b>')
    expect(card).toContain('reminder time: 09:00 → <b>08:00</b>')
    expect(card).toContain('asks you about calls like this every time')
    expect(formHtml(page.html, `/review/${requestId}`)).not.toContain('value="allow_always"')

    const allowed = await owner.submit(page.html, `/review/${requestId}`, [['decision', 'allow_once']])
    expect(allowed.location).toBe('/review?done=executed')
    expect(await settings()).toMatchObject({
      payment_instructions: 'Wire to account 99-1234 at Far Bank',
      reply_to_email: 'billing@elsewhere.test',
      reminder_time: '08:00',
    })
    const trail = expectData(await app.query({ type: 'settings', id: app.tenant.tenant_id, include: 'audit_trail' })).audit_trail
    expect(trail.at(-1)).toMatchObject({ action: 'update', actor_type: 'agent', reasoning: why })
  })

  it('without reasoning the agent is told which fields need the owner, and nothing is queued or changed', async () => {
    const before = await settings()
    const requests = (await app.query({ type: 'authorization_requests', limit: 100 })).body.data.items.length
    const refused = await app.action('settings', 'update', { name: 'Totally Legit Windows', business_hours: { sat: [['09:00', '12:00']] } })
    expectError(refused, 422, 'REASONING_REQUIRED')
    expect(refused.body.error.message).toMatch(/settings\.update with name needs the owner's approval every time/)
    expect(refused.body.error.details).toMatchObject({ permission: 'requires_authorization', owner_approves: ['name'] })
    expect(await settings()).toEqual(before)
    expect((await app.query({ type: 'authorization_requests', limit: 100 })).body.data.items.length).toBe(requests)
  })

  it('hours, reminders and the other everyday settings still change at once', async () => {
    const changed = expectData(
      await app.action('settings', 'update', {
        business_hours: { sat: [['09:00', '12:00']] },
        reminder_time: '10:00',
        send_reminders: true,
        invoice_terms_days: 30,
        timezone: 'America/Chicago',
      }),
    )
    expect(changed).toMatchObject({ reminder_time: '10:00', invoice_terms_days: 30 })
    expect(changed.business_hours.sat).toEqual([['09:00', '12:00']])
  })

  it('through MCP: the agent is told beforehand, the call waits, Allow Always is refused, and no level or standing rule lifts it', async () => {
    const described = (await tool('crm_capabilities', { action: 'settings.update' })).json
    expect(described.hints).toContain(
      'approval:name,reply_to_email,phone,website,payment_instructions,currency,default_tax_rate_bp,request_slug,review_link,approval_expiry_hours,backup_keep_daily,backup_keep_weekly,backup_keep_monthly',
    )
    expect(described.owner_approves).toMatch(/where their replies, calls, visits, payments and reviews go/)
    const listed = (await tool('crm_capabilities', {})).json
    expect(listed.actions.find((l: string) => l.startsWith('settings.update '))).toMatch(/approval:name,reply_to_email/)

    const before = await settings()
    const queued = (
      await tool('crm_action', { domain: 'settings', action: 'update', data: { currency: 'EUR', default_tax_rate_bp: 0 }, reasoning: why })
    ).json
    expect(queued).toMatchObject({ status: 'pending_authorization' })
    expect(await settings()).toEqual(before)

    const always = await owner.submit((await owner.get('/review')).html, `/review/${queued.request_id}`, [
      ['decision', 'allow_always'],
      ['confirm', 'yes'],
    ])
    expect(always.status).toBe(400)
    expect(always.html).toContain('allow_always cannot apply')
    expect(await settings()).toEqual(before)
    expect((await tool('crm_authorization_status', { request_id: queued.request_id })).json).toMatchObject({ status: 'pending' })
    const levels = expectData(await app.query({ type: 'permissions' })).items
    expect(levels.find((p: any) => p.action === 'settings.update')).toMatchObject({
      effective: 'unrestricted',
      override: null,
      owner_approves: [
        'name',
        'reply_to_email',
        'phone',
        'website',
        'payment_instructions',
        'currency',
        'default_tax_rate_bp',
        'request_slug',
        'review_link',
        'approval_expiry_hours',
        'backup_keep_daily',
        'backup_keep_weekly',
        'backup_keep_monthly',
      ],
    })

    // The owner asks about every settings change and lets all of them through with a rule: the money fields still wait.
    await app.ownerAction('permission', 'set', { action: 'settings.update', permission: 'requires_authorization' })
    await app.ownerAction('standing_rule', 'create', { action: 'settings.update' })
    expect(expectData(await app.action('settings', 'update', { reminder_time: '11:00' }, { reasoning: why })).reminder_time).toBe('11:00')
    const still = (await tool('crm_action', { domain: 'settings', action: 'update', data: { reply_to_email: null }, reasoning: why })).json
    expect(still).toMatchObject({ status: 'pending_authorization' })
    await app.ownerAction('permission', 'set', { action: 'settings.update', permission: 'unrestricted' })
    const again = (
      await tool('crm_action', { domain: 'settings', action: 'update', data: { payment_instructions: 'Cash only' }, reasoning: why })
    ).json
    expect(again).toMatchObject({ status: 'pending_authorization' })
    expect((await settings()).reply_to_email).toBe(before.reply_to_email)

    const once = await app.ownerAction('authorization', 'decide', { request_id: queued.request_id, decision: 'allow_once' })
    expect(once).toMatchObject({ status: 'executed' })
    expect(await settings()).toMatchObject({ currency: 'EUR', default_tax_rate_bp: 0 })
    expect((await tool('crm_authorization_status', { request_id: queued.request_id, full: true })).json).toMatchObject({
      status: 'executed',
      decision: 'allow_once',
    })
  })
})
