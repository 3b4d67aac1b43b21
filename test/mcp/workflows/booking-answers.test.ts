import { randomUUID } from 'node:crypto'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import type { Principal } from '../../../core/kernel/context.js'
import { performAction } from '../../../core/kernel/operations.js'
import { createMcpServer, TOOLS } from '../../../mcp/server.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { toolJson } from '../../helpers/mcp-client.js'

// Monday 2026-11-02 12:00 UTC = 06:00 in Chicago; weekdays are working days 08:00-17:00, weekends are not.
const NOW = new Date('2026-11-02T12:00:00Z')

describe.each(engines)('schedule_appointment answers (%s)', (engine) => {
  let app: TestApp
  let agent: Principal
  let owner: Principal
  let client: Client
  let jane: string
  let gutter: string
  let alice: string

  const act = async (p: Principal, domain: string, action: string, data: unknown) =>
    (await performAction(app.services, p, { domain, action, data }, { requestId: randomUUID() })).result as any
  const book = async (args: Record<string, unknown>) => {
    const out = toolJson(await client.callTool({ name: 'schedule_appointment', arguments: args }))
    expect(out.isError, JSON.stringify(out.json)).toBe(false)
    return out.json
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    agent = (await authenticateAgentToken(app.services.db, app.tenant.agent_token))!
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    alice = (await act(owner, 'user', 'add', { email: 'alice@sparkle.test', name: 'Alice Tech' })).id
    gutter = (
      await act(owner, 'service', 'create', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
    ).id
    await act(owner, 'service', 'create', {
      name: 'Screen Repair',
      pricing: 'per_unit',
      unit_name: 'screen',
      price_cents: 2500,
      default_duration_minutes: 15,
    })
    jane = (
      await act(owner, 'contact', 'create', {
        display_name: 'Jane Smith',
        email: 'jane@example.com',
        addresses: [{ line1: '12 Oak Street', city: 'Huntsville', state: 'AL', postal_code: '35801' }],
      })
    ).id
    const server = createMcpServer(app.services, agent, undefined, TOOLS)
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    client = new Client({ name: 'booking-answers', version: '1.0.0' })
    await client.connect(clientSide)
  })
  afterAll(async () => {
    await client?.close()
    await app.close()
  })

  it('"booked" lists the line items with their ids, quantities and prices, and what ticket.close needs, which closes the ticket as given', async () => {
    const out = await book({
      contact_id: jane,
      services: [{ service_id: gutter }, { name: 'screen repair', quantity: 3 }],
      date: '2026-11-04',
      time: '09:00',
    })
    expect(out.status).toBe('booked')
    const lines = out.ticket.line_items
    expect(lines).toEqual([
      {
        line_item_id: expect.any(String),
        service_id: gutter,
        description: 'Gutter Cleaning',
        quantity: 1,
        unit_price_cents: 15000,
        price_cents: 15000,
      },
      {
        line_item_id: expect.any(String),
        service_id: expect.any(String),
        description: 'Screen Repair',
        quantity: 3,
        unit_price_cents: 2500,
        price_cents: 7500,
      },
    ])
    expect(out.close_with).toBeUndefined()
    // Booked days ahead: the owner closes it before its day, on purpose; the lines stay as booked when none are given.
    const closed = await act(owner, 'ticket', 'close', {
      ticket_id: out.ticket.id,
      duration_minutes: 75,
      notes: '',
      next_service: { kind: 'none' },
      early: true,
    })
    expect(closed.ticket.status).toBe('completed')
    expect(closed.ticket.line_items.map((l: any) => l.id).sort()).toEqual(lines.map((l: any) => l.line_item_id).sort())
  })

  it('"unavailable" for a past date says so and never offers an empty list to choose from', async () => {
    const out = await book({ contact_id: jane, services: [{ service_id: gutter }], date: '2026-10-20', time: '10:00' })
    expect(out).toMatchObject({
      status: 'unavailable',
      reason: 'past',
      why: 'the date is in the past in the business time zone: ask for a day from today',
    })
    const earlierToday = await book({ contact_id: jane, services: [{ service_id: gutter }], date: '2026-11-02', time: '05:00' })
    expect(earlierToday.reason).toBe('past')
    for (const answer of [out, earlierToday]) {
      if (!answer.nearest.length) expect(answer.next).toBe('ask the customer for a day from today, then call again with it')
    }
  })

  it('the first owner, who has an email and no name yet, is named by that email in the booking and the briefing, and an imported profile stays off the route', async () => {
    const nameless = app.tenant.owner_user_id
    await act(owner, 'attribute', 'set', {
      contact_id: jane,
      key: 'square_profile',
      value: { reference_id: 'REF-9', transaction_count: 4 },
    })
    await act(owner, 'attribute', 'set', { contact_id: jane, key: 'gate_code', value: '4821' })
    const out = await book({
      contact_id: jane,
      services: [{ service_id: gutter }],
      date: '2026-11-06',
      time: '13:00',
      technician: nameless,
    })
    expect(out.ticket.technician).toBe('owner@sparkle.test')
    const briefing = toolJson(await client.callTool({ name: 'daily_briefing', arguments: { date: '2026-11-06' } })).json.briefing as string
    expect(briefing).toContain('owner@sparkle.test:')
    expect(briefing).toContain('gate code 4821')
    expect(briefing).not.toContain('REF-9')
  })

  it('"unavailable" says when the time is outside working hours, when no technician is free, and when the window is fully booked', async () => {
    const weekend = await book({ contact_id: jane, services: [{ service_id: gutter }], date: '2026-11-07', time: '10:00' })
    expect(weekend).toMatchObject({ status: 'unavailable', reason: 'outside_hours' })
    expect(weekend.why).toMatch(/^outside working hours \(.*08:00-17:00/)
    const late = await book({ contact_id: jane, services: [{ service_id: gutter }], date: '2026-11-05', time: '16:30' })
    expect(late.reason).toBe('outside_hours')
    expect(late.nearest.length).toBeGreaterThan(0)
    expect(late.next).toMatch(/one of these/)
    // Alice, the only technician, is booked 10:00-11:00 on the 5th.
    await act(owner, 'ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2026-11-05T10:00',
      technician_ids: [alice],
      line_items: [{ service_id: gutter }],
    })
    const busy = await book({ contact_id: jane, services: [{ service_id: gutter }], date: '2026-11-05', time: '10:30' })
    expect(busy).toMatchObject({ reason: 'no_technician_free', why: 'no technician is free at that time' })
    const mine = await book({
      contact_id: jane,
      services: [{ service_id: gutter }],
      date: '2026-11-05',
      time: '10:30',
      technician: alice,
    })
    expect(mine.why).toBe('that technician is busy at that time')
    await act(owner, 'ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2026-11-06T08:00',
      duration_minutes: 540,
      technician_ids: [alice],
      line_items: [{ service_id: gutter }],
    })
    const full = await book({ contact_id: jane, services: [{ service_id: gutter }], date: '2026-11-06' })
    expect(full).toMatchObject({ status: 'unavailable', reason: 'fully_booked' })
    expect(full.why).toMatch(/fully booked/)
  })
})
