import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { callChecked, connectMcp } from '../helpers/mcp-client.js'

/** Tokens as models are billed for them, estimated as bench/scenarios/mcp-size.ts does: characters / 4. */
const tokens = (value: unknown) => Math.ceil(JSON.stringify(value).length / 4)

/** What the output schemas of all tools together may add to tools/list, in tokens: the whole list was 3,471 before them. */
const OUTPUT_SCHEMAS_BUDGET = 500

// Wednesday next week at 10:00 in the business time zone, a working day within the default hours.
function nextWednesday(): string {
  const d = new Date(Date.now() + 7 * 86_400_000)
  while (d.getUTCDay() !== 3) d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

describe.each(engines)('MCP structured output (%s)', (engine) => {
  let app: TestApp
  let client: Client

  beforeAll(async () => {
    app = await startTestApp(engine)
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  const call = (name: string, args: Record<string, unknown>) => callChecked(client, name, args)

  it('publishes an output schema naming its fields for every tool, compact enough for tools/list', async () => {
    const { tools } = await client.listTools()
    const outputs = tokens(tools.map((t) => t.outputSchema))
    console.log(`tools/list: ${tools.length} tools, ${tokens(tools)} tokens, of which output schemas ${outputs}`)
    for (const tool of tools) {
      expect(tool.outputSchema?.type, tool.name).toBe('object')
      expect(Object.keys(tool.outputSchema?.properties ?? {}).length, tool.name).toBeGreaterThan(0)
      expect(JSON.stringify(tool), tool.name).not.toContain('$schema')
    }
    expect(outputs).toBeLessThanOrEqual(OUTPUT_SCHEMAS_BUDGET)
  })

  it('answers every kind of tool with structuredContent equal to its text, in the shape its outputSchema promises', async () => {
    await client.listTools()
    const overview = await call('crm_capabilities', {})
    expect(overview.actions.length).toBeGreaterThan(10)
    // The answer's schema only when asked: by default a lookup gives the input and hints.
    expect(await call('crm_capabilities', { action: 'contact.create' })).not.toHaveProperty('output')
    const detail = await call('crm_capabilities', { action: 'contact.create', output: true })
    expect(detail.output.properties).toHaveProperty('display_name')
    expect(detail.output.properties.id).toMatchObject({ type: 'string', format: 'uuid' })
    const type = await call('crm_capabilities', { type: 'tickets' })
    expect(type.record.properties).toHaveProperty('scheduled_start')
    expect(type.record.properties.line_items).toBeDefined()
    const contact = await call('crm_action', {
      domain: 'contact',
      action: 'create',
      data: { display_name: 'Jane Structured', email: 'jane@structured.test' },
    })
    expect(contact).toMatchObject({ display_name: 'Jane Structured', status: 'active' })
    expect(await call('crm_query', { type: 'contacts', id: contact.id })).toMatchObject({ id: contact.id })
    expect((await call('crm_query', { type: 'contacts', filters: { q: 'Structured' } })).items[0]).toMatchObject({ id: contact.id })
    const queued = await call('crm_destructive_action', {
      domain: 'contact',
      action: 'delete',
      data: { contact_id: contact.id },
      reasoning: 'A test record',
    })
    expect(queued).toMatchObject({ status: 'pending_authorization' })
    expect(await call('crm_authorization_status', { request_id: queued.request_id })).toMatchObject({
      status: 'pending',
      action: 'contact.delete',
    })
    expect((await call('find_customer', { q: 'Jane Structured' })).matches[0]).toMatchObject({ contact_id: contact.id })
    expect(await call('daily_briefing', {})).toHaveProperty('briefing')
    await call('crm_action', {
      domain: 'service',
      action: 'create',
      data: { name: 'Window cleaning', pricing: 'fixed', price_cents: 15000 },
    })
    const booked = await call('schedule_appointment', {
      contact_id: contact.id,
      date: nextWednesday(),
      time: '10:00',
      services: [{ name: 'Window cleaning' }],
    })
    expect(['booked', 'unavailable', 'choose_service']).toContain(booked.status)
    const lead = await call('process_lead', { raw_notes: 'Caller wants a quote for 20 windows, call back tomorrow', source: 'phone' })
    expect(lead.lead).toMatchObject({ status: 'new' })
  })

  it('answers an error without structuredContent', async () => {
    const r = (await client.callTool({ name: 'crm_query', arguments: { type: 'contactz' } })) as {
      isError?: boolean
      structuredContent?: unknown
    }
    expect(r.isError).toBe(true)
    expect(r.structuredContent).toBeUndefined()
  })
})
