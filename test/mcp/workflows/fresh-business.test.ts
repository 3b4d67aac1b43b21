import { randomUUID } from 'node:crypto'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../../core/clients/payments.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'

// Monday 2026-11-02 12:00 UTC = 06:00 in Chicago.
const NOW = new Date('2026-11-02T12:00:00Z')

/** The call the answers give for adding a service, with the name it was asked for. */
const addCall = (name: string) => `service.create {"name":"${name}","pricing":"fixed","price_cents":15000,"default_duration_minutes":60}`

describe.each(engines)('a fresh business is told what it lacks (%s)', (engine) => {
  let app: TestApp
  let agent: Client
  let jane: string
  const call = async (name: string, args: Record<string, unknown>) => toolJson(await agent.callTool({ name, arguments: args }))
  const briefing = async () => {
    const out = await call('daily_briefing', {})
    expect(out.isError, JSON.stringify(out.json)).toBe(false)
    return (out.json.briefing as string).split('\n')
  }
  const setupLines = async () => (await briefing()).filter((l) => l.startsWith('Setup:'))

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    agent = await connectMcp(app.url, app.tenant.agent_token)
    jane = expectData(await app.action('contact', 'create', { display_name: 'Jane Fresh', email: 'jane.fresh@example.com' })).id
  })
  afterAll(async () => {
    await agent?.close()
    await app?.close()
  })

  it('daily_briefing says the catalog is empty and invoices carry no way to pay, with the call or page that fixes each', async () => {
    expect(await setupLines()).toEqual([
      `Setup: the catalog has no services, so nothing can be booked: add each service the owner offers with ${addCall('Window Cleaning')} (their names, prices and lengths)`,
      'Setup: invoices carry no way to pay (online payments off, no payment_instructions), so none can be emailed: the owner ' +
        "writes payment instructions at /settings (settings.update payment_instructions waits for the owner's approval)",
    ])
  })

  it('schedule_appointment on an empty catalog answers how to add the service, naming the action and a call to copy', async () => {
    const out = await call('schedule_appointment', {
      contact_id: jane,
      services: [{ name: 'Gutter Cleaning' }],
      date: '2026-11-04',
      time: '09:00',
    })
    expect(out.isError).toBe(true)
    expect(out.json.error.code).toBe('NOT_FOUND')
    expect(out.json.error.message).toBe(
      'services.0.name: no service named like "Gutter Cleaning": the catalog has no services yet, so nothing can be booked ' +
        `by service. Add each service the business offers with ${addCall('Gutter Cleaning')} (its real price_cents and ` +
        'default_duration_minutes; pricing fixed, flexible, per_unit or product), then book again',
    )
    expect(out.json.error.details).toMatchObject({ field: 'services.0.name', choices: [], fix: 'service.create' })
    // By id too: an id the catalog does not hold is answered the same way.
    const byId = await call('schedule_appointment', { contact_id: jane, services: [{ service_id: randomUUID() }], date: '2026-11-04' })
    expect(byId.json.error.message).toMatch(/^services\.0\.service_id: no service with id [0-9a-f-]{36}: the catalog has no services yet/)
  })

  it('ticket.create with a service on an empty catalog answers the same, and nothing is booked', async () => {
    const id = randomUUID()
    const res = await app.action('ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2026-11-04T09:00',
      line_items: [{ service_id: id }],
    })
    expectError(res, 404, 'NOT_FOUND')
    expect(res.body.error.message).toContain(`data.line_items.0.service_id: no service with id ${id}: the catalog has no services yet`)
    expect(res.body.error.message).toContain(addCall('Window Cleaning'))
    expect(res.body.error.details).toMatchObject({ field: 'data.line_items.0.service_id', id, fix: 'service.create' })
    expect(expectData(await app.query({ type: 'tickets' })).items).toEqual([])
  })

  it('the call the answer gives adds the service; then an unknown name lists the catalog, and the known one books', async () => {
    const added = await call('crm_action', {
      domain: 'service',
      action: 'create',
      data: { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 },
    })
    expect(added.isError, JSON.stringify(added.json)).toBe(false)
    expect((await setupLines()).some((l) => l.includes('the catalog has no services'))).toBe(false)

    const unknown = await call('schedule_appointment', { contact_id: jane, services: [{ name: 'Skylights' }], date: '2026-11-04' })
    expect(unknown.json.error.message).toBe(
      `services.0.name: no service named like "Skylights"; the catalog: Gutter Cleaning. To add a new one: ${addCall('Skylights')} with its real price and length`,
    )
    const ticket = await app.action('ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2026-11-04T09:00',
      line_items: [{ service_id: randomUUID() }],
    })
    expect(ticket.body.error.message).toMatch(
      /no service with id [0-9a-f-]{36}; the catalog: Gutter Cleaning\. To add a new one: service\.create/,
    )

    const booked = await call('schedule_appointment', {
      contact_id: jane,
      services: [{ name: 'gutter cleaning' }],
      date: '2026-11-04',
      time: '09:00',
    })
    expect(booked.isError, JSON.stringify(booked.json)).toBe(false)
    expect(booked.json.status).toBe('booked')
  })

  it('the payments line goes once invoices carry a way to pay: online payments on, or payment instructions set', async () => {
    app.services.integrations.stripe = createPaymentsClient({ secretKey: 'sk_test_fake', apiBase: 'http://127.0.0.1:9' })
    try {
      expect(await setupLines()).toEqual([])
    } finally {
      app.services.integrations.stripe = null
    }
    expect((await setupLines()).some((l) => l.includes('no way to pay'))).toBe(true)
    await app.ownerAction('settings', 'update', { payment_instructions: 'Checks payable to Sparkle Windows' })
    expect(await setupLines()).toEqual([])
  })
})
