import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'

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

  it('a filter put beside type instead of inside filters is refused with the call to make, not dropped', async () => {
    const r = toolJson(
      await client.callTool({ name: 'crm_query', arguments: { type: 'opportunities', lead_id: '7d0c7c8e-52a4-4d5e-9a57-1f9a3c2b0e11' } }),
    )
    expect(r.isError).toBe(true)
    expect(r.json.error.code).toBe('VALIDATION_ERROR')
    expect(r.json.error.message).toContain(
      'filters go inside filters: call with {"type":"opportunities","filters":{"lead_id":"7d0c7c8e-52a4-4d5e-9a57-1f9a3c2b0e11"}}',
    )
  })

  it('process_lead opens an opportunity on the new lead when given its title', async () => {
    const processed = await call('process_lead', {
      raw_notes: 'Lee at 4 Elm St asks what skylights would cost',
      source: 'website',
      opportunity: 'Skylights',
    })
    expect(processed.opportunity).toMatchObject({ title: 'Skylights', lead_id: processed.lead.id, stage: 'qualification' })
    const listed = await call('crm_query', { type: 'opportunities', filters: { lead_id: processed.lead.id } })
    expect(listed.items.map((o: any) => o.title)).toEqual(['Skylights'])
    const without = await call('process_lead', { raw_notes: 'Kim called about gutters next spring', source: 'phone' })
    expect(without.opportunity).toBeUndefined()
    expect((await call('crm_query', { type: 'opportunities', filters: { lead_id: without.lead.id } })).items).toEqual([])
  })

  it('finds opportunity.create, opens it on the lead process_lead made, closes it won, and reads the pipeline', async () => {
    const found = await call('crm_capabilities', { action: 'opportunity.create' })
    expect(found.input.properties).toHaveProperty('lead_id')
    const processed = await call('process_lead', { raw_notes: 'Dana at 12 Oak St wants a quote for gutters and windows', source: 'phone' })
    const opened = await call('crm_action', {
      domain: 'opportunity',
      action: 'create',
      data: { lead_id: processed.lead.id, title: 'Gutters and windows', amount_cents: 60_000, stage: 'estimating' },
    })
    expect(opened).toMatchObject({ lead_id: processed.lead.id, title: 'Gutters and windows', stage: 'estimating' })
    const totals = await call('crm_query', { type: 'pipeline_totals' })
    expect(totals.items[0]).toMatchObject({ open_count: 2, open_amount_cents: 60_000, weighted_forecast_cents: 15_000 })
    const refused = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: { domain: 'opportunity', action: 'move', data: { opportunity_id: opened.id, stage: 'won' } },
      }),
    )
    expect(refused.isError).toBe(true)
    expect(refused.json.error.details.issues[0].field).toBe('data.reason')
    await call('crm_action', {
      domain: 'opportunity',
      action: 'move',
      data: { opportunity_id: opened.id, stage: 'won', reason: 'Accepted by phone' },
    })
    const read = await call('crm_query', { type: 'opportunities', filters: { lead_id: processed.lead.id }, include: ['audit_trail'] })
    expect(read.items[0]).toMatchObject({ stage: 'won', close_reason: 'Accepted by phone' })
    expect(read.items[0].audit_trail.map((a: any) => [a.action, a.actor_type])).toEqual([
      ['create', 'agent'],
      ['move', 'agent'],
    ])
  })
})
