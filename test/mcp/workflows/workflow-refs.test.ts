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

// Monday 2026-11-02 12:00 UTC = 06:00 in Chicago; weekdays are working days 08:00-17:00.
const NOW = new Date('2026-11-02T12:00:00Z')

describe.each(engines)('workflow tools take a name where they take an id, as actions do (%s)', (engine) => {
  let app: TestApp
  let client: Client
  let jane: string
  let gutter: string
  let heather: string

  const act = async (p: Principal, domain: string, action: string, data: unknown) =>
    (await performAction(app.services, p, { domain, action, data }, { requestId: randomUUID() })).result as any
  const call = async (name: string, args: Record<string, unknown>) => toolJson(await client.callTool({ name, arguments: args }))

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    const agent = (await authenticateAgentToken(app.services.db, app.tenant.agent_token))!
    const owner: Principal = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    await act(owner, 'user', 'add', { email: 'alice@sparkle.test', name: 'Alice Tech' })
    gutter = (
      await act(owner, 'service', 'create', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
    ).id
    const address = { line1: '12 Oak Street', city: 'Huntsville', state: 'AL', postal_code: '35801' }
    jane = (await act(owner, 'contact', 'create', { display_name: 'Jane Smith', email: 'jane@example.com', addresses: [address] })).id
    heather = (await act(owner, 'lead', 'create', { raw_notes: 'Wants 30 windows done before Easter.', name: 'Heather Lowery' })).id
    await act(owner, 'contact', 'create', { display_name: 'Sam Lee', email: 'sam.one@example.com' })
    await act(owner, 'contact', 'create', { display_name: 'Sam Lee', email: 'sam.two@example.com' })
    const server = createMcpServer(app.services, agent, undefined, TOOLS)
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    client = new Client({ name: 'workflow-refs', version: '1.0.0' })
    await client.connect(clientSide)
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  it('books by the customer and the service named in the id fields', async () => {
    const out = await call('schedule_appointment', {
      contact_id: 'Jane Smith',
      services: [{ service_id: 'Gutter Cleaning' }],
      date: '2026-11-04',
      time: '10:00',
    })
    expect(out.isError, JSON.stringify(out.json)).toBe(false)
    expect(out.json.status).toBe('booked')
    const row = await app.t.admin.query<{ contact_id: string; service_id: string }>(
      'select t.contact_id, l.service_id from tickets t join ticket_line_items l on l.ticket_id = t.id where t.id = $1',
      [out.json.ticket.id],
    )
    expect(row.rows).toEqual([{ contact_id: jane, service_id: gutter }])
  })

  it("completes a lead named by its person's name", async () => {
    const out = await call('process_lead', { lead_id: 'Heather Lowery', phone: '(256) 555-0131' })
    expect(out.isError, JSON.stringify(out.json)).toBe(false)
    expect(out.json.lead.id).toBe(heather)
    const row = await app.t.admin.query<{ phone: string }>('select phone from leads where id = $1', [heather])
    expect(row.rows[0].phone).toMatch(/555.?0131/)
  })

  it('says which customers a name could be, and that a name nobody has is not found, naming the field', async () => {
    const shared = await call('send_invoice', { contact_id: 'Sam Lee', reasoning: 'Billing the visit.' })
    expect(shared.isError).toBe(true)
    expect(shared.json.error.code).toBe('VALIDATION_ERROR')
    expect(shared.json.error.message).toMatch(/^contact_id/)
    const nobody = await call('send_invoice', { contact_id: 'Nobody Here', reasoning: 'Billing the visit.' })
    expect(nobody.json.error).toMatchObject({ code: 'NOT_FOUND' })
    expect(nobody.json.error.message).toMatch(/^contact_id/)
  })
})
