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

// Monday 2026-11-02 15:00 UTC = 09:00 in Chicago; business hours 08:00-17:00 on weekdays.
const NOW = new Date('2026-11-02T15:00:00Z')

describe.each(engines)('visit history in the workflow tools (%s)', (engine) => {
  let app: TestApp
  let owner: Principal
  let client: Client
  let closeServer: () => Promise<void>
  let hal: string
  let window: string
  let tech: string

  const act = async (domain: string, action: string, data: unknown) =>
    (await performAction(app.services, owner, { domain, action, data }, { requestId: randomUUID() })).result as any
  const tool = async (name: string, args: Record<string, unknown>) => {
    const r = toolJson(await client.callTool({ name, arguments: args }))
    expect(r.isError, JSON.stringify(r.json)).toBe(false)
    return r.json
  }
  const book = (start: string) =>
    act('ticket', 'create', { contact_id: hal, scheduled_start: start, technician_ids: [tech], line_items: [{ service_id: window }] })
  const close = (ticket: any, extra: Record<string, unknown> = {}) =>
    act('ticket', 'close', {
      ticket_id: ticket.id,
      duration_minutes: 60,
      line_items: [{ line_item_id: ticket.line_items[0].id }],
      notes: '',
      next_service: { kind: 'none' },
      ...extra,
    })

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    const agent = (await authenticateAgentToken(app.services.db, app.tenant.agent_token))!
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    tech = (await act('user', 'add', { email: 'ana@sparkle.test', name: 'Ana Tech' })).id
    window = (
      await act('service', 'create', { name: 'Window Cleaning', pricing: 'fixed', price_cents: 60000, default_duration_minutes: 90 })
    ).id
    hal = (await act('contact', 'create', { display_name: 'Hal Highrise', email: 'hal@example.com' })).id
    await act('address', 'add', { contact_id: hal, line1: '9 Tower Road', city: 'Huntsville', state: 'AL', postal_code: '35801' })
    const past = await book('2026-10-20T09:00')
    await close(past, {
      duration_minutes: 202,
      notes: 'Third-floor windows at the back need the extension ladder.',
      attributes: [{ key: 'equipment', value: 'extension ladder' }],
    })
    const server = createMcpServer(app.services, agent, undefined, TOOLS)
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    client = new Client({ name: 'history-test', version: '1.0.0' })
    await client.connect(clientSide)
    closeServer = () => server.close()
  })
  afterAll(async () => {
    await client?.close()
    await closeServer?.()
    await app?.close()
  })

  it("find_customer tells the last visit's time on site, total and what was learned there", async () => {
    const out = await tool('find_customer', { q: 'Hal Highrise' })
    const hit = out.matches[0]
    expect(hit.last_service).toMatch(/^2026-10-20 Window Cleaning; 3h22m on site; \$\d{3}\.\d\d; equipment: extension ladder$/)
    expect(hit.last_visit).toMatchObject({
      date: '2026-10-20',
      actual_minutes: 202,
      time_on_site: '3h22m',
      booked_minutes: 90,
      facts: ['equipment: extension ladder'],
      note: 'Third-floor windows at the back need the extension ladder.',
    })
    expect(hit.last_visit.total_cents).toBeGreaterThanOrEqual(60000)
  })

  it("schedule_appointment books on the customer's preferred day and time, as long as the same work took last time, and says so", async () => {
    await act('contact', 'update', { contact_id: hal, preferences: { preferred_days: ['thu'], time_of_day: 'afternoon' } })
    const out = await tool('schedule_appointment', {
      contact_id: hal,
      services: [{ name: 'Window Cleaning' }],
      date: '2026-11-03',
      to: '2026-11-06',
      duration_minutes: 90,
    })
    expect(out.status).toBe('booked')
    expect(out.ticket).toMatchObject({ date: '2026-11-05', time: '12:00', duration_minutes: 90 })
    expect(out.preferences).toMatchObject({ followed: true, customer_prefers: 'thu, afternoons (start from 12:00)' })
    expect(out.last_visit).toMatchObject({ date: '2026-10-20', time_on_site: '3h22m', actual_minutes: 202 })
    expect(out.last_visit.note).toBe(
      'Last visit (2026-10-20) took 3h22m; this booking is 1h30m. Consider a longer slot (duration_minutes 202).',
    )

    // A window with no preferred day books the earliest start, says so, and offers the preferred ones nearby.
    const outside = await tool('schedule_appointment', {
      contact_id: hal,
      services: [{ name: 'Window Cleaning' }],
      date: '2026-11-04',
      duration_minutes: 202,
    })
    expect(outside.ticket).toMatchObject({ date: '2026-11-04', time: '08:00' })
    expect(outside.preferences.followed).toBe(false)
    expect(outside.preferences.note).toMatch(/No free start in the requested window fits the customer's preferences/)
    expect(outside.preferences.preferred_nearby.length).toBeGreaterThan(0)
    for (const s of outside.preferences.preferred_nearby)
      expect([s.date, s.time >= '12:00', s.preferred]).toEqual(['2026-11-05', true, true])
    expect(outside.last_visit.note).not.toContain('Consider')

    // Without a length, the same work is booked as long as it took last time (to the half hour), not the catalog's 1h30m.
    const asLong = await tool('schedule_appointment', { contact_id: hal, services: [{ name: 'Window Cleaning' }], date: '2026-11-12' })
    expect(asLong.ticket).toMatchObject({ date: '2026-11-12', duration_minutes: 210 })
    expect(asLong.last_visit.note).toBe('Last visit (2026-10-20) took 3h22m for the same work, so this booking is 3h30m.')
  })

  it('daily_briefing drops a visit completed early from the route and lists work not billed', async () => {
    const early = await book('2026-11-06T09:00')
    const forgotten = await book('2026-10-29T13:00')
    const briefed = await tool('daily_briefing', { date: '2026-11-06' })
    expect(briefed.briefing).toContain(`#${early.number} Hal Highrise`)
    // A day ahead: the owner closes it before its day, on purpose.
    await close(early, { duration_minutes: 75, early: true })

    const lines = (await tool('daily_briefing', { date: '2026-11-06' })).briefing.split('\n') as string[]
    expect(lines.filter((l) => /^ \d\d:\d\d/.test(l)).join('\n')).not.toContain(`#${early.number} `)
    expect(lines).toContain(`Done: #${early.number} Hal Highrise (1h15m, completed early)`)
    const unbilled = lines.find((l) => l.startsWith('Unbilled work:'))
    // The forgotten visit ended 2026-10-29 14:30 CDT, three days and some hours ago; the two closed today were never invoiced.
    expect(unbilled).toContain(`1 past, never closed (#${forgotten.number} Hal Highrise 3d)`)
    expect(unbilled).toMatch(/2 completed, never invoiced \(#\d+ Hal Highrise \$\d+\.\d\d 0d, #\d+ Hal Highrise \$\d+\.\d\d 0d\)/)
    expect(unbilled).toContain('(crm_query type=unbilled_work)')
  })
})
