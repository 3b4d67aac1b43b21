import { randomUUID } from 'node:crypto'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import type { Principal } from '../../../core/kernel/context.js'
import { performAction, performQuery } from '../../../core/kernel/operations.js'
import { findCustomer } from '../../../mcp/workflows/find-customer.js'
import { handleRescheduleRequest } from '../../../mcp/workflows/handle-reschedule.js'
import { scheduleAppointment } from '../../../mcp/workflows/schedule-appointment.js'
import { createMcpServer, TOOLS } from '../../../mcp/server.js'
import type { ToolDefinition } from '../../../mcp/tool.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { toolJson } from '../../helpers/mcp-client.js'

// Monday 2026-11-02 12:00 UTC = 06:00 in Chicago; Wednesday 2026-11-04 is a normal working day (08:00-17:00).
const NOW = new Date('2026-11-02T12:00:00Z')

describe.each(engines)('workflow tools (%s)', (engine) => {
  let app: TestApp
  let agent: Principal
  let owner: Principal
  let jane: string
  let janeAddress: string
  let window: string
  let gutter: string
  let alice: string
  let bob: string

  const as = (p: Principal) => ({
    act: async (domain: string, action: string, data: unknown, reasoning?: string) =>
      (await performAction(app.services, p, { domain, action, data, reasoning }, { requestId: randomUUID() })).result as any,
    read: async (type: string, filters: Record<string, string>, id?: string) =>
      performQuery(app.services, p, { type, id, filters }, { requestId: randomUUID() }) as Promise<any>,
  })
  const call = (tool: ToolDefinition<any>, args: unknown) =>
    tool.run({ services: app.services, principal: agent, requestId: randomUUID() }, args as never) as Promise<any>

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    agent = (await authenticateAgentToken(app.services.db, app.tenant.agent_token))!
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    const o = as(owner)
    alice = (await o.act('user', 'add', { email: 'alice@sparkle.test', name: 'Alice Tech' })).id
    bob = (await o.act('user', 'add', { email: 'bob@sparkle.test', name: 'Bob Tech' })).id
    window = (
      await o.act('service', 'create', { name: 'Window Cleaning', pricing: 'fixed', price_cents: 12000, default_duration_minutes: 90 })
    ).id
    gutter = (
      await o.act('service', 'create', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
    ).id
    jane = (await o.act('contact', 'create', { display_name: 'Jane Smith', email: 'jane@example.com', phone: '+1 256 555 0142' })).id
    janeAddress = (
      await o.act('address', 'add', { contact_id: jane, line1: '12 Oak Street', city: 'Huntsville', state: 'AL', postal_code: '35801' })
    ).id
    await o.act('contact', 'create', { display_name: 'Janet Smithers', email: 'janet@example.com' })
    await o.act('contact', 'create', { display_name: 'Tom Baker', email: 'tom@example.com' })
  })
  afterAll(() => app.close())

  it('find_customer gives each match its last service, next ticket and open balance', async () => {
    const o = as(owner)
    const past = await o.act('ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2026-10-01T09:00',
      technician_ids: [alice],
      line_items: [{ service_id: gutter }],
    })
    // No registered action completes a ticket yet, so the history is written directly.
    await app.t.admin.query(`update tickets set status = 'completed', closed_at = scheduled_end where id = $1`, [past.id])
    const invoice = await o.act('invoice', 'create_from_ticket', { ticket_id: past.id })
    await o.act('invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 5000, method: 'cash' })
    const next = await o.act('ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2026-11-10T10:00',
      technician_ids: [bob],
      line_items: [{ service_id: window }],
    })

    const out = await call(findCustomer, { q: '5550142' })
    expect(out.matches).toHaveLength(1)
    expect(out.matches[0]).toMatchObject({
      contact_id: jane,
      name: 'Jane Smith',
      // Written directly without a close, so no time on site was recorded.
      last_service: `2026-10-01 Gutter Cleaning; $${(invoice.total_cents / 100).toFixed(2)}`,
      next_ticket: `#${next.number} Tue 2026-11-10 10:00 (scheduled)`,
      next_ticket_id: next.id,
      open_balance_cents: invoice.total_cents - 5000,
    })
    expect(invoice.total_cents).toBeGreaterThan(5000)
    const byName = await call(findCustomer, { q: 'tom bakr' })
    expect(byName.matches.map((m: any) => m.name)).toEqual(['Tom Baker'])
    expect(byName.matches[0]).toMatchObject({ last_service: null, next_ticket: null, open_balance_cents: 0 })
    await o.act('ticket', 'cancel', { ticket_id: next.id, reason: 'test cleanup' })
  })

  it('schedule_appointment returns candidates for ambiguous words and books nothing', async () => {
    const before = await as(owner).read('tickets', { status: 'active' })
    const out = await call(scheduleAppointment, { customer: 'smith', services: [{ name: 'Window Cleaning' }], date: '2026-11-04' })
    expect(out.status).toBe('choose_customer')
    expect(out.candidates.map((c: any) => c.name)).toEqual(expect.arrayContaining(['Jane Smith', 'Janet Smithers']))
    expect((await as(owner).read('tickets', { status: 'active' })).items).toHaveLength(before.items.length)
  })

  it('schedule_appointment books the first free technician with line items, address and a confirmation email', async () => {
    const out = await call(scheduleAppointment, {
      customer: 'Jane Smith',
      services: [{ name: 'window cleaning' }, { service_id: gutter }],
      date: '2026-11-04',
      time: '09:00',
    })
    expect(out.status).toBe('booked')
    expect(out.ticket).toMatchObject({
      date: '2026-11-04',
      time: '09:00',
      duration_minutes: 150,
      technician: 'Alice Tech',
      address_id: janeAddress,
      total_cents: expect.any(Number),
    })
    const ticket = await as(owner).read('tickets', {}, out.ticket.id)
    expect(ticket.scheduled_start.toISOString?.() ?? ticket.scheduled_start).toBe('2026-11-04T15:00:00.000Z')
    expect(ticket.totals.subtotal_cents).toBe(27000)
    expect(out.confirmation).toMatchObject({ scheduled: true })
    const messages = await as(owner).read('scheduled_messages', { ticket_id: out.ticket.id })
    // Booking queued the confirmation (the one the answer names), its follow-ups and the day-before reminder.
    const confirmations = messages.items.filter((m: any) => m.kind === 'confirmation')
    expect(confirmations.map((m: any) => [m.id, m.status])).toEqual([[out.confirmation.message_id, 'pending']])
    expect(new Set(messages.items.map((m: any) => m.kind))).toEqual(new Set(['confirmation', 'follow_up', 'reminder']))
    // Alice is now busy at 09:00, so the same request goes to Bob.
    const second = await call(scheduleAppointment, {
      contact_id: jane,
      services: [{ service_id: gutter }],
      date: '2026-11-04',
      time: '09:00',
    })
    expect(second.ticket.technician).toBe('Bob Tech')
  })

  it('schedule_appointment with a busy technician returns the nearest free slots and books nothing', async () => {
    const out = await call(scheduleAppointment, {
      contact_id: jane,
      services: [{ service_id: gutter }],
      date: '2026-11-04',
      time: '10:00',
      technician: alice,
    })
    expect(out.status).toBe('unavailable')
    expect(out.nearest.length).toBeGreaterThan(0)
    // Alice works 09:00-11:30 on the 4th: the nearest free hour starts at 11:30 or ends by 09:00.
    expect(out.nearest.map((s: any) => `${s.date} ${s.time}`)).toContain('2026-11-04 11:30')
    expect(out.nearest.map((s: any) => `${s.date} ${s.time}`)).toContain('2026-11-04 08:00')
    expect(out.nearest.map((s: any) => `${s.date} ${s.time}`)).not.toContain('2026-11-04 10:00')
    const outside = await call(scheduleAppointment, {
      contact_id: jane,
      services: [{ service_id: gutter }],
      date: '2026-11-07',
      time: '10:00',
    })
    expect(outside.status).toBe('unavailable')
  })

  it('handle_reschedule_request moves the ticket, keeps the old time in the audit and renews the confirmation', async () => {
    const booked = await call(scheduleAppointment, {
      contact_id: jane,
      services: [{ service_id: window }],
      date: '2026-11-05',
      time: '13:00',
      technician: bob,
    })
    const ticketId = booked.ticket.id
    const old = (await as(owner).read('scheduled_messages', { ticket_id: ticketId, status: 'pending' })).items
    expect(old.map((m: any) => m.kind)).toContain('confirmation')
    const out = await call(handleRescheduleRequest, {
      customer: 'Jane Smith',
      date: '2026-11-05',
      new_date: '2026-11-06',
      new_time: '08:30',
    })
    expect(out).toMatchObject({
      status: 'rescheduled',
      ticket: { from: 'Thu 2026-11-05 13:00', to: 'Fri 2026-11-06 08:30', until: '10:00' },
    })
    // Every email naming the old time was cancelled, and a new confirmation names the new one.
    expect([...out.cancelled_message_ids].sort()).toEqual(old.map((m: any) => m.id).sort())
    expect(out.confirmation.scheduled).toBe(true)
    const messages = (await as(owner).read('scheduled_messages', { ticket_id: ticketId })).items
    const renewed = messages.find((m: any) => m.id === out.confirmation.message_id)
    expect(renewed).toMatchObject({ kind: 'confirmation', status: 'pending' })
    expect(messages.filter((m: any) => old.some((o: any) => o.id === m.id)).map((m: any) => m.status)).toEqual(old.map(() => 'cancelled'))
    const trail = (
      (await performQuery(
        app.services,
        owner,
        { type: 'tickets', id: ticketId, include: ['audit_trail'] },
        { requestId: randomUUID() },
      )) as any
    ).audit_trail
    const move = trail.find((a: any) => a.action === 'reschedule')
    expect(move).toBeTruthy()
    expect(JSON.stringify(move)).toContain('2026-11-05T19:00:00')
  })

  it('handle_reschedule_request refuses a clash or closed hours with the nearest slots, and lists tickets when several fit', async () => {
    const a = await call(scheduleAppointment, {
      contact_id: jane,
      services: [{ service_id: gutter }],
      date: '2026-11-09',
      time: '09:00',
      technician: alice,
    })
    await call(scheduleAppointment, {
      contact_id: jane,
      services: [{ service_id: gutter }],
      date: '2026-11-09',
      time: '14:00',
      technician: alice,
    })
    const clash = await call(handleRescheduleRequest, { ticket_id: a.ticket.id, new_date: '2026-11-09', new_time: '14:30' })
    expect(clash.status).toBe('unavailable')
    expect(clash.nearest.map((s: any) => `${s.date} ${s.time}`)).toContain('2026-11-09 15:00')
    const closed = await call(handleRescheduleRequest, { ticket_id: a.ticket.id, new_date: '2026-11-08', new_time: '10:00' })
    expect(closed.status).toBe('unavailable')
    expect((await as(owner).read('tickets', {}, a.ticket.id)).scheduled_start).toEqual(new Date('2026-11-09T15:00:00Z'))
    const several = await call(handleRescheduleRequest, {
      customer: 'Jane Smith',
      date: '2026-11-09',
      new_date: '2026-11-10',
      new_time: '09:00',
    })
    expect(several.status).toBe('choose_ticket')
    expect(several.candidates).toHaveLength(2)
  })

  it('works through the MCP SDK client, audited as the agent', async () => {
    const tools = TOOLS
    const server = createMcpServer(app.services, agent, undefined, tools)
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    const client = new Client({ name: 'workflow-test', version: '1.0.0' })
    await client.connect(clientSide)
    const listed = Object.fromEntries((await client.listTools()).tools.map((t) => [t.name, t]))
    expect(listed.find_customer.annotations?.readOnlyHint).toBe(true)
    expect(listed.schedule_appointment.annotations?.readOnlyHint).toBe(false)
    const booked = toolJson(
      await client.callTool({
        name: 'schedule_appointment',
        arguments: { customer: 'tom baker', services: [{ name: 'Gutter Cleaning' }], date: '2026-11-12', after: '13:00' },
      }),
    )
    expect(booked.isError).toBe(false)
    expect(booked.json.ticket).toMatchObject({ customer: 'Tom Baker', date: '2026-11-12', time: '13:00' })
    const ticket = (await performQuery(
      app.services,
      owner,
      { type: 'tickets', id: booked.json.ticket.id, include: ['audit_trail'] },
      { requestId: randomUUID() },
    )) as any
    expect(ticket.audit_trail[0]).toMatchObject({ action: 'create', actor_type: 'agent' })
    const bad = toolJson(
      await client.callTool({ name: 'handle_reschedule_request', arguments: { new_date: '2026-11-12', new_time: '10:00' } }),
    )
    expect(bad.isError).toBe(true)
    expect(bad.json.error.code).toBe('VALIDATION_ERROR')
    await client.close()
    await server.close()
  })
})
