import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { addMonths } from '../../core/vocabulary/time.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { connectMcp, toolJson } from '../helpers/mcp-client.js'
import { PAYMENT_INSTRUCTIONS, settings } from '../helpers/fixtures.js'

/** Next Wednesday after today, as YYYY-MM-DD: a business day in the future whatever day the suite runs. */
function nextWednesday(): string {
  const d = new Date()
  d.setUTCDate(d.getUTCDate() + ((3 - d.getUTCDay() + 7) % 7 || 7) + 7)
  return d.toISOString().slice(0, 10)
}

describe.each(engines)('a typical job through MCP, as far as the product goes (%s)', (engine) => {
  let app: TestApp
  let mcp: Client
  const call = async (name: string, args: Record<string, unknown>) => {
    const out = toolJson(await mcp.callTool({ name, arguments: args }))
    if (out.isError) throw new Error(`${name} failed: ${JSON.stringify(out.json)}`)
    return out.json
  }
  const act = (domain: string, action: string, data: Record<string, unknown>, reasoning?: string) =>
    call('crm_action', { domain, action, data, reasoning })

  beforeAll(async () => {
    app = await startTestApp(engine)
    // The owner said how customers pay (the agent may not: where payments go is the owner's to say).
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
    mcp = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await mcp?.close()
    await app?.close()
  })

  it('books Jane Smith, confirms, invoices and plans to reach out in 6 months', async () => {
    await app.ownerAction('user', 'add', { email: 'sam@sparkle.test', name: 'Sam Tech', role: 'technician' })
    await act('service', 'create', {
      name: 'Interior and Exterior Window Cleaning',
      pricing: 'flexible',
      price_cents: 45_000,
      default_duration_minutes: 180,
    })
    const jane = await act('contact', 'create', {
      first_name: 'Jane',
      last_name: 'Smith',
      email: 'jane@example.com',
      phone: '(256) 555-0142',
    })
    await act('address', 'add', { contact_id: jane.id, line1: '123 Main Street', city: 'Madison', state: 'AL', postal_code: '35758' })
    await act('attribute', 'set', { contact_id: jane.id, key: 'pet', value: 'dog Biscuit, keep gate closed', source: 'manual' })

    const day = nextWednesday()
    const booked = await call('schedule_appointment', {
      contact_id: jane.id,
      services: [{ name: 'Window Cleaning' }],
      date: day,
      time: '09:00',
    })
    expect(booked.ticket, JSON.stringify(booked)).toBeTruthy()
    const ticketId = booked.ticket.id ?? booked.ticket.ticket_id
    expect(booked.confirmation).toBeTruthy()

    const confirmed = await act('ticket', 'update', { ticket_id: ticketId, status: 'confirmed' })
    expect(confirmed.status).toBe('confirmed')

    const briefing = await call('daily_briefing', { date: day })
    expect(JSON.stringify(briefing)).toContain('Jane Smith')
    expect(JSON.stringify(briefing)).toContain('Biscuit')

    const invoiced = await call('send_invoice', { ticket_id: ticketId, reasoning: 'job done, customer asked for the bill' })
    expect(invoiced.invoice.number).toMatch(/^INV-\d{4}-\d{4}$/)
    expect(invoiced.invoice.total_cents).toBeGreaterThan(0)

    const inSixMonths = `${addMonths(day, 6)}T15:00:00Z`
    // A reach-out is the owner's reach-out rules' to send: the agent's one waits for the owner.
    const reachOut = await act(
      'message',
      'schedule',
      { contact_id: jane.id, kind: 'reach_out', send_at: inSixMonths },
      'She asked us to check back before spring',
    )
    expect(reachOut.status).toBe('pending_authorization')

    const found = await call('find_customer', { q: 'jane smth' })
    const match = (found.matches ?? found).find((m: any) => m.contact_id === jane.id)
    expect(match.open_balance_cents).toBe(invoiced.invoice.total_cents)
    expect(match.next_ticket).toContain(day)

    const planned = await call('crm_query', { type: 'scheduled_messages', filters: { contact_id: jane.id } })
    expect(planned.items.map((m: any) => m.kind)).toEqual(expect.arrayContaining(['confirmation', 'invoice']))
    // The reach-out is queued once the owner allows it.
    expect(planned.items.map((m: any) => m.kind)).not.toContain('reach_out')
  })
})
