import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { encode } from 'gpt-tokenizer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { connectMcp, toolJson } from '../helpers/mcp-client.js'
import { PHRASINGS } from './task-phrasings.js'
import { exampleTimes } from '../../core/kernel/example-data.js'

describe.each(engines)('crm_capabilities {q} through the MCP client (%s)', (engine) => {
  let app: TestApp
  let client: Client
  beforeAll(async () => {
    app = await startTestApp(engine)
    client = await connectMcp(app.url, app.tenant.agent_token)
    // A window cleaner's catalog: its service names are what tasks name as the work, not which call to make.
    for (const [name, price] of [
      ['Exterior Window Cleaning', 15000],
      ['Gutter Cleaning', 12000],
      ['Pressure Washing', 20000],
    ] as const) {
      const created = await client.callTool({
        name: 'crm_action',
        arguments: {
          domain: 'service',
          action: 'create',
          data: { name, pricing: 'fixed', price_cents: price, default_duration_minutes: 60 },
        },
      })
      expect(toolJson(created).isError, JSON.stringify(created)).toBe(false)
    }
  })
  afterAll(async () => {
    await client?.close()
    await app.close()
  })

  const ask = async (q: string) => {
    const r = (await client.callTool({ name: 'crm_capabilities', arguments: { q } })) as { content: Array<{ text: string }> }
    return { text: r.content[0].text, ...toolJson(r) }
  }

  it('answers every phrasing in at most 600 tokens, 450 on average, with the right one in the top three for 95%', async () => {
    const sizes: number[] = []
    let right = 0
    for (const [q, ...ids] of PHRASINGS) {
      const answer = await ask(q)
      expect(answer.isError, q).toBe(false)
      sizes.push(encode(answer.text).length)
      const names = answer.json.matches.map((m: { action?: string; type?: string; tool?: string }) => m.action ?? m.type ?? m.tool)
      expect(names.length, q).toBeLessThanOrEqual(3)
      if (names.some((n: string) => ids.includes(n))) right += 1
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(600)
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeLessThanOrEqual(450)
    expect(right / PHRASINGS.length).toBeGreaterThanOrEqual(0.95)
  })

  it('gives each match a compact input and an example call of a tool the client lists', async () => {
    const listed = new Set((await client.listTools()).tools.map((t) => t.name))
    const { json } = await ask('technician called in sick, move his visits')
    const [best] = json.matches
    expect(best).toMatchObject({
      action: 'ticket.move_day',
      example: { tool: 'crm_action', arguments: { domain: 'ticket', action: 'move_day' } },
    })
    expect(best.input).toMatch(/date\*/)
    expect(best.hints).toContain('approval')
    expect(best.example.arguments.reasoning).toBeTruthy()
    for (const m of json.matches) expect(listed.has(m.example.tool)).toBe(true)
    const read = (await ask('who still owes us')).json.matches[0]
    expect(read).toMatchObject({ type: 'receivables', example: { tool: 'crm_query', arguments: { type: 'receivables' } } })
  })

  it("shows every date and time of an example in the business's zone: its tomorrow, 9:00 with that date's offset", async () => {
    const before = exampleTimes(app.services.now(), 'America/Chicago')
    const seen: string[] = []
    const walk = (value: unknown): void => {
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) seen.push(value)
      else if (value && typeof value === 'object') Object.values(value).forEach(walk)
    }
    for (const [q] of PHRASINGS) for (const m of (await ask(q)).json.matches) walk(m.example)
    for (const q of ['book a visit for Jane tomorrow morning', 'put the customer on a maintenance plan']) walk((await ask(q)).json)
    // Midnight in Chicago may pass while the phrasings are asked: the times of either side are the business's.
    const after = exampleTimes(app.services.now(), 'America/Chicago')
    const allowed = new Set([before.date, before.dateTime, after.date, after.dateTime])
    expect(seen.filter((v) => !allowed.has(v))).toEqual([])
    // Both kinds are shown somewhere, so the check above checks something.
    expect(seen.some((v) => v === before.date || v === after.date)).toBe(true)
    expect(seen.some((v) => v === before.dateTime || v === after.dateTime)).toBe(true)
  })

  it('finds a refund by its task, says at once that the owner does it and where, and refuses the call before reading its input', async () => {
    for (const q of ['refund the customer', 'give the customer their money back']) {
      const [best] = (await ask(q)).json.matches
      expect({ q, best }).toMatchObject({
        q,
        best: { action: 'invoice.refund', owner_only: expect.stringMatching(/^Never an agent's: the owner does it, at \/invoices \(/) },
      })
      expect(best.example).toBeUndefined()
    }
    // Input no check would pass (an invoice number, no payment): the answer is still who does it, not what is wrong with it.
    const refused = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: { domain: 'invoice', action: 'refund', data: { invoice_id: 'INV-2026-0001' } },
      }),
    )
    expect(refused.isError).toBe(true)
    expect(refused.json.error).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(
        /^invoice\.refund can only be done by a person signed in, never by an agent: ask the owner to do it, at \/invoices/,
      ),
      details: { owner_does_it_at: '/invoices' },
    })
  })

  it('says so when nothing matches, and still lists everything without q', async () => {
    const none = await ask('zzqx wvvb')
    expect(none.isError).toBe(true)
    expect(none.json.error).toMatchObject({ code: 'NOT_FOUND', details: { field: 'q' } })
    const all = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: {} }))
    expect(all.json.actions.length).toBeGreaterThan(100)
  })
})
