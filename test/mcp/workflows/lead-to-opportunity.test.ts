import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'

// process_lead takes no opportunity input (tools/list is at its token budget): the agent opens one on the new lead with crm_action.
describe.each(engines)('an agent turns a lead asking for a quote into an opportunity through MCP (%s)', (engine) => {
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
  const call = async (name: string, args: Record<string, unknown>) => {
    const r = toolJson(await client.callTool({ name, arguments: args }))
    expect(r.isError, JSON.stringify(r.json)).toBe(false)
    return r.json
  }

  it('finds opportunity.create, opens it on the lead process_lead made, closes it won, and reads the pipeline', async () => {
    const found = await call('crm_capabilities', { action: 'opportunity.create' })
    expect(found.input.properties).toHaveProperty('lead_id')
    const processed = await call('process_lead', { raw_notes: 'Dana at 12 Oak St wants a quote for gutters and windows', source: 'phone' })
    const opened = await call('crm_action', { domain: 'opportunity', action: 'create',
      data: { lead_id: processed.lead.id, title: 'Gutters and windows', amount_cents: 60_000, stage: 'estimating' } })
    expect(opened).toMatchObject({ lead_id: processed.lead.id, stage: 'estimating', probability: 25 })
    const totals = await call('crm_query', { type: 'pipeline_totals' })
    expect(totals.items[0]).toMatchObject({ open_count: 1, open_amount_cents: 60_000, weighted_forecast_cents: 15_000 })
    const refused = toolJson(await client.callTool({ name: 'crm_action', arguments: { domain: 'opportunity', action: 'move',
      data: { opportunity_id: opened.id, stage: 'won' } } }))
    expect(refused.isError).toBe(true)
    expect(refused.json.error.details.issues[0].field).toBe('data.reason')
    await call('crm_action', { domain: 'opportunity', action: 'move', data: { opportunity_id: opened.id, stage: 'won', reason: 'Accepted by phone' } })
    const read = await call('crm_query', { type: 'opportunities', lead_id: processed.lead.id, include: ['audit_trail'] })
    expect(read.items[0]).toMatchObject({ stage: 'won', close_reason: 'Accepted by phone' })
    expect(read.items[0].audit_trail.map((a: any) => [a.action, a.actor_type])).toEqual([['create', 'agent'], ['move', 'agent']])
  })
})
