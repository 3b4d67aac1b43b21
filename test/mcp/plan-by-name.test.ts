import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { callChecked, connectMcp, toolJson } from '../helpers/mcp-client.js'

describe.each(engines)('customer_plan.propose takes the plan by its name (%s)', (engine) => {
  let app: TestApp
  let client: Client
  const plans: Record<string, string> = {}
  let contact: string

  const propose = async (data: Record<string, unknown>) =>
    toolJson(await client.callTool({ name: 'crm_action', arguments: { domain: 'customer_plan', action: 'propose', data } }))
  const planOf = (name: string, price_cents: number) =>
    app.ownerAction('plan', 'create', {
      name,
      includes: [{ service_id: plans.service, visits: 1 }],
      price_cents,
      cycle: 'monthly',
      term_cycles: 12,
    })

  beforeAll(async () => {
    app = await startTestApp(engine)
    plans.service = (await app.ownerAction('service', 'create', { name: 'Window Cleaning', pricing: 'fixed', price_cents: 15000 })).id
    plans.monthly = (await planOf('Monthly windows', 4500)).id
    plans.gutters = (await planOf('Gutter Guard', 3000)).id
    // Two plans once sold under one name, both archived: the name alone cannot tell them apart.
    for (const price of [6000, 7000]) {
      const gold = await planOf('Gold', price)
      await app.ownerAction('plan', 'archive', { plan_id: gold.id })
    }
    contact = (await app.ownerAction('contact', 'create', { display_name: 'Nora Planner', email: 'nora@plans.test' })).id
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  it("the action's example names the plan, and an agent copying it with its own customer proposes that plan", async () => {
    const found = await callChecked(client, 'crm_capabilities', { q: 'offer the customer a monthly plan' })
    const propose = found.matches.find((m: any) => m.action === 'customer_plan.propose')
    expect(propose.example.arguments.data.plan_id).toBe('Monthly windows')
    expect(propose.input).toContain('plan_id*: id|name')
    const schema = await callChecked(client, 'crm_capabilities', { action: 'customer_plan.propose' })
    expect(schema.input.properties.plan_id.description).toBe('A plan of the catalog (plans), e.g. "Monthly windows" (id or name)')
    const made = await callChecked(client, 'crm_action', {
      ...propose.example.arguments,
      data: { ...propose.example.arguments.data, contact_id: 'Nora Planner' },
    })
    expect(made).toMatchObject({ plan_id: plans.monthly, contact_id: contact, name: 'Monthly windows', status: 'proposed' })
  })

  it('the whole name in any case, with spaces around it, finds the plan', async () => {
    const r = await propose({ plan_id: '  GUTTER guard ', contact_id: contact, starts_on: '2099-01-01' })
    expect(r.isError, JSON.stringify(r.json)).toBe(false)
    expect(r.json).toMatchObject({ plan_id: plans.gutters, name: 'Gutter Guard' })
  })

  it('a name no plan has is a VALIDATION_ERROR naming plan_id and listing the plans sold', async () => {
    for (const name of ['Platinum', 'Monthly']) {
      const r = await propose({ plan_id: name, contact_id: contact, starts_on: '2099-01-01' })
      expect(r.isError).toBe(true)
      expect(r.json.error).toMatchObject({
        code: 'VALIDATION_ERROR',
        message: `data.plan_id: no plan is named "${name}"; the plans are "Gutter Guard", "Monthly windows" (or give the id)`,
        details: { issues: [{ field: 'data.plan_id', message: expect.stringContaining('"Gutter Guard", "Monthly windows"') }] },
      })
    }
  })

  it('a name two plans have asks for the id, listing both', async () => {
    const r = await propose({ plan_id: 'gold', contact_id: contact, starts_on: '2099-01-01' })
    expect(r.isError).toBe(true)
    expect(r.json.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'data.plan_id' } })
    expect(r.json.error.message).toMatch(/^data\.plan_id: "gold" could be 2 plans: .*; give the id$/)
    expect(r.json.error.details.candidates).toHaveLength(2)
    expect(r.json.error.details.candidates.map((c: any) => c.detail).sort()).toEqual([
      'monthly, 60.00 USD, archived',
      'monthly, 70.00 USD, archived',
    ])
    const proposed = await app.t.admin.query('select 1 from customer_plans where tenant_id = $1 and name = $2', [
      app.tenant.tenant_id,
      'Gold',
    ])
    expect(proposed.rows).toHaveLength(0)
  })
})
