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

// Monday 2026-11-02 12:00 UTC = 06:00 in Chicago.
const NOW = new Date('2026-11-02T12:00:00Z')

describe.each(engines)('booking in the words a person uses (%s)', (engine) => {
  let app: TestApp
  let agent: Principal
  let owner: Principal
  let client: Client
  let jane: string
  let windows: string
  let gutter: string
  let bob: string
  let lastVisitNumber: number

  const act = async (p: Principal, domain: string, action: string, data: unknown) =>
    (await performAction(app.services, p, { domain, action, data }, { requestId: randomUUID() })).result as any
  const call = async (name: string, args: Record<string, unknown>) => toolJson(await client.callTool({ name, arguments: args }))
  const book = async (args: Record<string, unknown>) => {
    const out = await call('schedule_appointment', args)
    expect(out.isError, JSON.stringify(out.json)).toBe(false)
    return out.json
  }
  const visit = async (start: string, unitPrice: number) => {
    const t = await act(owner, 'ticket', 'create', {
      contact_id: jane,
      scheduled_start: start,
      duration_minutes: 60,
      line_items: [{ service_id: windows, unit_price_cents: unitPrice }],
    })
    await act(owner, 'ticket', 'close', {
      ticket_id: t.id,
      duration_minutes: 60,
      line_items: [{ line_item_id: t.line_items[0].id }],
      notes: '',
      next_service: { kind: 'none' },
    })
    return t.number as number
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    agent = (await authenticateAgentToken(app.services.db, app.tenant.agent_token))!
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    await act(owner, 'user', 'add', { email: 'alice@sparkle.test', name: 'Alice Tech' })
    await act(owner, 'user', 'add', { email: 'alice.b@sparkle.test', name: 'Alice Brown' })
    bob = (await act(owner, 'user', 'add', { email: 'bob@sparkle.test', name: 'Bob Stone' })).id
    windows = (
      await act(owner, 'service', 'create', {
        name: 'Window Cleaning',
        pricing: 'flexible',
        price_cents: 45000,
        default_duration_minutes: 60,
      })
    ).id
    gutter = (
      await act(owner, 'service', 'create', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
    ).id
    jane = (await act(owner, 'contact', 'create', { display_name: 'Jane Smith', email: 'jane@example.com' })).id
    await visit('2026-09-01T15:00:00Z', 50000)
    lastVisitNumber = await visit('2026-10-05T15:00:00Z', 66200)
    const server = createMcpServer(app.services, agent, undefined, TOOLS)
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    client = new Client({ name: 'booking-words', version: '1.0.0' })
    await client.connect(clientSide)
  })
  afterAll(async () => {
    await client?.close()
    await app.close()
  })

  it('books "tomorrow" with a technician named by first name, at the price the customer paid last time, and says both', async () => {
    const out = await book({
      contact_id: jane,
      services: [{ name: 'window cleaning' }],
      date: 'tomorrow',
      time: '10:00',
      technician: 'bob',
    })
    expect(out.status).toBe('booked')
    expect(out.read_as).toEqual({ date: 'tomorrow: tue 2026-11-03' })
    expect(out.ticket).toMatchObject({ date: '2026-11-03', time: '10:00', technician: 'Bob Stone' })
    expect(out.ticket.line_items[0]).toMatchObject({ unit_price_cents: 66200, price_cents: 66200 })
    expect(out.prices).toEqual([
      { service: 'Window Cleaning', unit_price_cents: 66200, note: `price: $662.00, from the visit on 2026-10-05 (#${lastVisitNumber})` },
    ])
  })

  it('takes a price given for a flexible service, and refuses one for a catalog-priced service naming the field', async () => {
    const out = await book({
      contact_id: jane,
      services: [{ service_id: windows, unit_price_cents: 48000 }],
      date: 'next tuesday',
      time: '09:00',
      technician: 'BOB STONE',
    })
    expect(out.ticket).toMatchObject({ date: '2026-11-10', technician: 'Bob Stone' })
    expect(out.ticket.line_items[0].unit_price_cents).toBe(48000)
    expect(out.prices[0].note).toBe('price: $480.00, as given')
    const refused = await call('schedule_appointment', {
      contact_id: jane,
      services: [{ service_id: gutter, unit_price_cents: 100 }],
      date: 'friday',
      time: '09:00',
    })
    expect(refused.isError).toBe(true)
    expect(JSON.stringify(refused.json)).toContain('services.0.unit_price_cents')
  })

  it('a name two people share, or no one has, is refused with the names to choose from', async () => {
    const shared = await call('schedule_appointment', {
      contact_id: jane,
      services: [{ service_id: gutter }],
      date: 'friday',
      time: '09:00',
      technician: 'alice',
    })
    expect(shared.isError).toBe(true)
    expect(shared.json.error.message).toBe('technician: "alice" could be Alice Brown or Alice Tech; give the full name or the user id')
    expect(shared.json.error.details.choices).toEqual(['Alice Brown', 'Alice Tech'])
    const nobody = await call('schedule_appointment', {
      contact_id: jane,
      services: [{ service_id: gutter }],
      date: 'friday',
      time: '09:00',
      technician: 'Zed',
    })
    expect(nobody.isError).toBe(true)
    expect(nobody.json.error.message).toMatch(/^technician: no team member named "Zed"; the team: .*Alice Brown, Alice Tech, Bob Stone/)
    expect(nobody.json.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { issues: [{ field: 'technician' }] } })
    const badDay = await call('schedule_appointment', { contact_id: jane, services: [{ service_id: gutter }], date: 'someday' })
    expect(badDay.isError).toBe(true)
    expect(badDay.json.error.message).toMatch(/date.*expected YYYY-MM-DD or a day word/)
  })

  it('ticket.create and ticket.assign_technicians take technicians by name as well as by id', async () => {
    const t = await act(agent, 'ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2026-11-12T09:00',
      duration_minutes: 60,
      technician_ids: ['bob'],
    })
    expect(t.technicians.map((x: any) => x.user_id)).toEqual([bob])
    const again = await act(agent, 'ticket', 'assign_technicians', { ticket_id: t.id, technician_ids: ['Alice Tech', bob] })
    expect(again.technicians.map((x: any) => x.name).sort()).toEqual(['Alice Tech', 'Bob Stone'])
    await expect(act(agent, 'ticket', 'assign_technicians', { ticket_id: t.id, technician_ids: ['alice'] })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining('data.technician_ids.0: "alice" could be Alice Brown or Alice Tech'),
    })
  })

  it('ticket.add_line_item takes the service by name, and a name several services share comes back with their names', async () => {
    const t = await act(agent, 'ticket', 'create', { contact_id: jane, scheduled_start: '2026-11-13T09:00', duration_minutes: 60 })
    const added = await act(agent, 'ticket', 'add_line_item', { ticket_id: t.id, service: 'GUTTER cleaning' })
    expect(added.line_items.map((l: any) => [l.service_id, l.unit_price_cents])).toEqual([[gutter, 15000]])
    const part = await act(agent, 'ticket', 'add_line_item', { ticket_id: t.id, service: 'window', unit_price_cents: 30000 })
    expect(part.line_items.map((l: any) => l.service_id)).toEqual([gutter, windows])
    await expect(act(agent, 'ticket', 'add_line_item', { ticket_id: t.id, service: 'cleaning' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'data.service: "cleaning" could be Gutter Cleaning, Window Cleaning; give the whole name or service_id',
    })
    await expect(act(agent, 'ticket', 'add_line_item', { ticket_id: t.id, service: 'roof' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message:
        'data.service: no service named like "roof"; the catalog: Gutter Cleaning, Window Cleaning. To add a new one: ' +
        'service.create {"name":"roof","pricing":"fixed","price_cents":15000,"default_duration_minutes":60} with its real price and length',
    })
  })

  it('handle_reschedule_request moves a visit to a day word and says the day it read', async () => {
    const booked = await book({ contact_id: jane, services: [{ service_id: gutter }], date: '2026-11-04', time: '13:00' })
    const out = await call('handle_reschedule_request', { ticket_id: booked.ticket.id, new_date: 'this friday', new_time: '11:00' })
    expect(out.isError, JSON.stringify(out.json)).toBe(false)
    expect(out.json.status).toBe('rescheduled')
    expect(out.json.read_as).toEqual({ new_date: 'this friday: fri 2026-11-06' })
    expect(out.json.ticket.to).toContain('2026-11-06 11:00')
  })
})
