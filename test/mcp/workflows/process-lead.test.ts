import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import { createLlmClient } from '../../../core/clients/llm.js'
import type { Principal } from '../../../core/context.js'
import { processLead } from '../../../mcp/workflows/process-lead.js'
import { engines } from '../../helpers/databases.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.js'

const good = {
  name: 'Jane Smith',
  phone: '(256) 555-0142',
  email: 'jane@example.com',
  address: '12 Oak St, Huntsville, AL 35801',
  service_interest: 'exterior windows and gutters',
  urgency: 'normal',
  property_details: 'two-story, 24 windows',
}

describe('LLM client against an OpenAI-compatible server', () => {
  let fake: FakeLlm
  beforeAll(async () => {
    fake = await startFakeLlm()
  })
  afterAll(() => fake.close())
  const schema = z.strictObject({ name: z.string(), count: z.number().int() })
  const client = () => createLlmClient({ baseUrl: fake.baseUrl, apiKey: 'k', model: 'test-model', timeoutMs: 300 })

  it('returns the validated object and sends the JSON schema as response_format', async () => {
    fake.answer({ content: JSON.stringify({ name: 'a', count: 2 }) })
    const r = await client().extract({ name: 'thing', schema, system: 's', text: 't' })
    expect(r).toMatchObject({ ok: true, value: { name: 'a', count: 2 } })
    const sent = fake.requests.at(-1)
    expect(sent.model).toBe('test-model')
    expect(sent.response_format.type).toBe('json_schema')
    expect(sent.response_format.json_schema.schema.properties.count.type).toBe('integer')
  })

  it('fails as invalid_json after one retry when the answer is not JSON', async () => {
    const before = fake.requests.length
    fake.answer({ content: '{"name": "a", ' }, { content: 'sure! here it is' })
    const r = await client().extract({ name: 'thing', schema, system: 's', text: 't' })
    expect(r).toMatchObject({ ok: false, reason: 'invalid_json' })
    expect(fake.requests.length - before).toBe(2)
  })

  it('succeeds when the retry answers well', async () => {
    fake.answer({ content: 'not json' }, { content: JSON.stringify({ name: 'b', count: 1 }) })
    const r = await client().extract({ name: 'thing', schema, system: 's', text: 't' })
    expect(r).toMatchObject({ ok: true, value: { name: 'b', count: 1 } })
  })

  it('fails as schema_violation naming the field', async () => {
    fake.answer({ content: JSON.stringify({ name: 'a', count: 'two' }) }, { content: JSON.stringify({ name: 'a' }) })
    const r = await client().extract({ name: 'thing', schema, system: 's', text: 't' })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.reason).toBe('schema_violation')
      expect(r.message).toContain('count')
    }
  })

  it('fails as timeout when the server is too slow', async () => {
    fake.answer({ content: '{}', delayMs: 2_000 }, { content: '{}', delayMs: 2_000 })
    const r = await client().extract({ name: 'thing', schema, system: 's', text: 't' })
    expect(r).toMatchObject({ ok: false, reason: 'timeout' })
  })
})

describe.each(engines)('process_lead (%s)', (engine) => {
  let app: TestApp
  let fake: FakeLlm
  let principal: Principal
  const run = (raw_notes: string, llm: boolean) => {
    app.services.llm = llm ? createLlmClient({ baseUrl: fake.baseUrl, apiKey: 'k', model: 'm', timeoutMs: 2_000 }) : null
    return processLead.run({ services: app.services, principal, requestId: randomUUID() }, { raw_notes, source: 'phone' }) as Promise<any>
  }
  beforeAll(async () => {
    // Thursday 2026-03-05 15:00 in Chicago: the next business day is Friday.
    app = await startTestApp(engine, { now: () => new Date('2026-03-05T21:00:00Z') })
    fake = await startFakeLlm()
    principal = (await authenticateAgentToken(app.t.db, app.tenant.agent_token))!
  })
  afterAll(async () => {
    await fake.close()
    await app.close()
  })

  it('extracts the fields, matches the existing contact and sets the follow-up for the next business day 09:00', async () => {
    const contact = await app.action('contact', 'create', { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' })
    fake.answer({ content: JSON.stringify(good) })
    const r = await run('Jane Smith called, 256-555-0142, jane@example.com, windows and gutters at 12 Oak St', true)
    expect(r.extraction.status).toBe('ok')
    expect(r.lead).toMatchObject({ name: 'Jane Smith', email: 'jane@example.com', urgency: 'normal', source: 'phone', status: 'new' })
    expect(new Date(r.lead.reminder_at).toISOString()).toBe('2026-03-06T15:00:00.000Z')
    expect(r.matched_contacts.map((c: any) => c.id)).toEqual([contact.body.data.id])
    const stored = await app.query({ type: 'leads', id: r.lead.id })
    expect(stored.body.data.property_details).toBe('two-story, 24 windows')
  })

  it('follows up an urgent lead within the hour', async () => {
    fake.answer({ content: JSON.stringify({ ...good, email: null, phone: null, urgency: 'high' }) })
    const r = await run('burst pipe, come today', true)
    expect(new Date(r.lead.reminder_at).toISOString()).toBe('2026-03-05T22:00:00.000Z')
    expect(r.matched_contacts).toEqual([])
  })

  it('creates the lead with raw notes and says why when extraction fails', async () => {
    fake.answer({ content: 'oops' }, { content: JSON.stringify({ ...good, email: 'not an email' }) })
    const r = await run('Bob wants a quote', true)
    expect(r.extraction.status).toBe('failed')
    expect(r.extraction.message).toMatch(/schema_violation.*email/)
    expect(r.lead).toMatchObject({ raw_notes: 'Bob wants a quote', name: null, email: null })
  })

  it('creates the lead with raw notes and says extraction is off without a model', async () => {
    const r = await run('Ann, 555-0100, wants windows', false)
    expect(r.extraction).toMatchObject({ status: 'off' })
    expect(r.extraction.message).toContain('extraction is off')
    expect(r.lead).toMatchObject({ raw_notes: 'Ann, 555-0100, wants windows', name: null })
  })
})
