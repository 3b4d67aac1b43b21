import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import { createLlmClient } from '../../../core/clients/llm.js'
import type { Principal } from '../../../core/kernel/context.js'
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
    expect(r.missing).toEqual(['name', 'phone or email', 'address', 'service'])
    expect(r.next).toContain(`call process_lead with lead_id "${r.lead.id}"`)
  })

  it('without a model keeps the fields the caller read, says what is still missing, and completes the lead by lead_id', async () => {
    app.services.llm = null
    const call = (args: Record<string, unknown>) =>
      processLead.run({ services: app.services, principal, requestId: randomUUID() }, args as any) as Promise<any>
    const r = await call({
      raw_notes: 'Cal Lee rang from 256 555 0177, wants the gutters done before winter, two storeys',
      source: 'phone',
      name: 'Cal Lee',
      phone: '256 555 0177',
      service: 'gutter cleaning',
      notes: 'two storeys',
    })
    expect(r.lead).toMatchObject({
      name: 'Cal Lee',
      phone: '256 555 0177',
      service_interest: 'gutter cleaning',
      property_details: 'two storeys',
      address: null,
    })
    expect(r.extraction.message).toContain('the fields given')
    expect(r.missing).toEqual(['address'])
    expect(r.next).toMatch(/^read address from the inquiry/)
    const done = await call({ lead_id: r.lead.id, address: '9 Elm St, Huntsville, AL 35801' })
    expect(done.lead).toMatchObject({ name: 'Cal Lee', address: '9 Elm St, Huntsville, AL 35801' })
    expect(done.missing).toEqual([])
    expect(done.next).toBeUndefined()
    // Fields alone, with no text as received: the lead keeps them as its notes.
    const bare = await call({ source: 'website', name: 'Dee Fox', email: 'dee@example.com', address: '1 Pine Rd', service: 'windows' })
    expect(bare.lead.raw_notes).toBe('Dee Fox; dee@example.com; 1 Pine Rd; windows')
    expect(bare.extraction.status).toBe('not_needed')
    expect(bare.missing).toEqual([])
  })

  it('with a model, the fields the caller gives win over what the model read', async () => {
    app.services.llm = createLlmClient({ baseUrl: fake.baseUrl, apiKey: 'k', model: 'm', timeoutMs: 2_000 })
    fake.answer({ content: JSON.stringify(good) })
    const r = (await processLead.run({ services: app.services, principal, requestId: randomUUID() }, {
      raw_notes: 'Jane Smith called about windows',
      source: 'phone',
      name: 'Janet Smith',
    } as any)) as any
    expect(r.extraction.status).toBe('ok')
    expect(r.lead).toMatchObject({ name: 'Janet Smith', email: 'jane@example.com' })
  })
})
