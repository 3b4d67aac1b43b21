import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildRegistry } from '../../api/product.js'
import { jsonSchemaOf } from '../../core/kernel/json-schema.js'
import type { ActionDefinition } from '../../core/kernel/registry.js'
import { shortAnswer } from '../../mcp/action-answer.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { callChecked, connectMcp } from '../helpers/mcp-client.js'

/** Tokens as bench/scenarios/mcp-size.ts estimates them: characters / 4. */
const tokens = (value: unknown) => Math.ceil(JSON.stringify(value).length / 4)

describe.each(engines)('MCP writes answer what changed, and the whole record when asked (%s)', (engine) => {
  let app: TestApp
  let client: Client

  beforeAll(async () => {
    app = await startTestApp(engine)
    client = await connectMcp(app.url, app.tenant.agent_token)
    // The SDK client holds every later structuredContent to the outputSchema tools/list published.
    await client.listTools()
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  const call = (name: string, args: Record<string, unknown>) => callChecked(client, name, args)
  const act = (domain: string, action: string, data: Record<string, unknown>, more: Record<string, unknown> = {}) =>
    call('crm_action', { domain, action, data, ...more })

  it('a new customer answers its id, name, status and what the call set, its address cut the same way; full: true the whole record', async () => {
    const data = {
      first_name: 'Jane',
      last_name: 'Short',
      email: 'jane@short.test',
      addresses: [{ line1: '12 Elm St', city: 'Huntsville', state: 'AL', postal_code: '35801' }],
    }
    const short = await act('contact', 'create', data)
    expect(short).toEqual({
      id: expect.any(String),
      status: 'active',
      display_name: 'Jane Short',
      first_name: 'Jane',
      last_name: 'Short',
      email: 'jane@short.test',
      addresses: [{ id: expect.any(String), line1: '12 Elm St', city: 'Huntsville', state: 'AL', postal_code: '35801' }],
    })
    const whole = await act('contact', 'create', { ...data, email: 'jane2@short.test', allow_duplicate: true }, { full: true })
    expect(whole).toMatchObject({ display_name: 'Jane Short', created_at: expect.any(String), preferences: expect.anything() })
    expect(whole.addresses[0]).toHaveProperty('created_at')
    expect(tokens(short)).toBeLessThan(tokens(whole) / 2)
    // The HTTP API and the console keep the whole record.
    const api = expectData(await app.action('contact', 'create', { display_name: 'Api Whole' }))
    expect(api).toHaveProperty('created_at')
    expect(api).toHaveProperty('preferences')
  })

  it("a visit answers its number, customer and status with the lines the call gave; adding a line answers the visit's lines and totals", async () => {
    const jane = await act('contact', 'create', { display_name: 'Vera Visit' })
    const booked = await act('ticket', 'create', {
      contact_id: jane.id,
      scheduled_start: '2031-05-06T15:00:00Z',
      line_items: [{ description: 'Window cleaning', quantity: 1, unit_price_cents: 25_000 }],
    })
    expect(booked).toEqual({
      id: expect.any(String),
      number: expect.any(Number),
      status: 'scheduled',
      contact_name: 'Vera Visit',
      contact_id: jane.id,
      scheduled_start: '2031-05-06T15:00:00.000Z',
      line_items: [{ id: expect.any(String), description: 'Window cleaning', quantity: 1, unit_price_cents: 25_000 }],
    })
    const added = await act('ticket', 'add_line_item', {
      ticket_id: `#${booked.number}`,
      description: 'Screens',
      quantity: 4,
      unit_price_cents: 500,
    })
    expect(added).toMatchObject({ id: booked.id, number: booked.number, status: 'scheduled' })
    expect(added.line_items).toEqual([
      { id: booked.line_items[0].id, description: 'Window cleaning', quantity: 1, unit_price_cents: 25_000 },
      { id: expect.any(String), description: 'Screens', quantity: 4, unit_price_cents: 500 },
    ])
    expect(added.totals).toMatchObject({ subtotal_cents: 27_000 })
    expect(added).not.toHaveProperty('technicians')
    const whole = await act('ticket', 'update', { ticket_id: booked.id, notes: 'Gate code 4821' }, { full: true })
    expect(whole).toMatchObject({ notes: 'Gate code 4821', technicians: [], totals: expect.anything() })
  })

  it('an archive answers when; a delete that it is deleted; an invoice its number, status, total and amount due', async () => {
    const service = await act('service', 'create', { name: 'Gutters', pricing: 'fixed', price_cents: 9_000 })
    expect(service).toEqual({ id: expect.any(String), status: expect.any(String), name: 'Gutters', pricing: 'fixed', price_cents: 9_000 })
    const archived = await act('service', 'archive', { service_id: service.id })
    expect(archived).toEqual({ id: service.id, status: expect.any(String), name: 'Gutters', archived_at: expect.any(String) })
    const other = await act('service', 'create', { name: 'Skylights', pricing: 'fixed', price_cents: 4_000 })
    const deleted = await call('crm_destructive_action', {
      domain: 'service',
      action: 'delete',
      data: { service_id: other.id },
      reasoning: 'made by mistake',
    })
    expect(deleted).toEqual({ id: other.id, deleted: true })

    const customer = await act('contact', 'create', { display_name: 'Ivy Invoice' })
    const invoice = await act('invoice', 'create', {
      contact_id: customer.id,
      line_items: [{ description: 'Windows', unit_price_cents: 12_000, taxable: false }],
    })
    expect(invoice).toEqual({
      id: expect.any(String),
      number: expect.stringMatching(/^INV-/),
      status: 'draft',
      total_cents: 12_000,
      amount_due_cents: 12_000,
      contact_id: customer.id,
      contact_name: 'Ivy Invoice',
      line_items: [{ id: expect.any(String), description: 'Windows', unit_price_cents: 12_000 }],
    })
  })

  it('a queued call answers as before: its status, request id, expiry and how to check it', async () => {
    const kim = await act('contact', 'create', { display_name: 'Kim Queued' })
    const queued = await call('crm_destructive_action', {
      domain: 'contact',
      action: 'delete',
      data: { contact_id: kim.id },
      reasoning: 'a duplicate',
    })
    expect(Object.keys(queued).sort()).toEqual(['expires_at', 'message', 'request_id', 'status'])
    expect(queued.status).toBe('pending_authorization')
  })
})

describe.each(engines)('crm_authorization_status answers the state and one line, and the whole request when asked (%s)', (engine) => {
  let app: TestApp
  let client: Client

  beforeAll(async () => {
    app = await startTestApp(engine)
    client = await connectMcp(app.url, app.tenant.agent_token)
    // The SDK client holds every later structuredContent to the outputSchema tools/list published.
    await client.listTools()
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  async function status(requestId: string, full?: boolean) {
    const r = (await client.callTool({
      name: 'crm_authorization_status',
      arguments: { request_id: requestId, ...(full ? { full } : {}) },
    })) as { isError?: boolean; structuredContent?: any; content: Array<{ text: string }> }
    expect(r.isError, r.content[0]?.text).toBeFalsy()
    expect(r.structuredContent).toEqual(JSON.parse(r.content[0].text))
    return r.structuredContent
  }

  it('pending: since when and until when, and not to repeat the call; executed: what ran and what it made, in one line', async () => {
    const customer = expectData(await app.action('contact', 'create', { display_name: 'Lena Status' }))
    const invoice = expectData(
      await app.action('invoice', 'create', {
        contact_id: customer.id,
        line_items: [{ description: 'Windows', unit_price_cents: 12_000, taxable: false }],
      }),
    )
    const queued = expectData(await app.action('invoice', 'void', { invoice_id: invoice.id }, { reasoning: 'Duplicate' }), 202)
    const pending = await status(queued.request_id)
    expect(pending).toEqual({
      request_id: queued.request_id,
      action: 'invoice.void',
      status: 'pending',
      outcome: expect.stringMatching(/^pending since \d{4}-\d\d-\d\dT[\d:.]+Z; the owner has until /),
      next_step: expect.stringContaining('Do not repeat the call'),
    })
    expect(pending.outcome.endsWith(`until ${queued.expires_at}`)).toBe(true)

    await app.ownerAction('authorization', 'decide', { request_id: queued.request_id, decision: 'allow_once' })
    const done = await status(queued.request_id)
    expect(done).toEqual({
      request_id: queued.request_id,
      action: 'invoice.void',
      status: 'executed',
      outcome:
        `executed: Void invoice ${invoice.number} for Lena Status ($120.00): nothing will be due on it any more; ` +
        `result: ${invoice.number} Lena Status void, id ${invoice.id}`,
    })
    const whole = await status(queued.request_id, true)
    expect(whole).toMatchObject({
      status: 'executed',
      decision: 'allow_once',
      data: { invoice_id: invoice.id },
      result: { id: invoice.id, status: 'void', line_items: [expect.objectContaining({ description: 'Windows' })] },
      next_step: expect.any(String),
    })
    expect(tokens(done)).toBeLessThan(tokens(whole) / 4)
  })

  it('failed: why, in the line, with what to do next', async () => {
    const customer = expectData(await app.action('contact', 'create', { display_name: 'Fay Fails' }))
    const queued = expectData(await app.action('contact', 'delete', { contact_id: customer.id }, { reasoning: 'Duplicate' }), 202)
    // The customer gains a visit before the owner answers: the call no longer does what the owner was shown.
    expectData(
      await app.action('ticket', 'create', {
        contact_id: customer.id,
        scheduled_start: '2031-05-06T15:00:00Z',
        line_items: [{ description: 'Windows', unit_price_cents: 9_000 }],
      }),
    )
    await app.ownerAction('authorization', 'decide', { request_id: queued.request_id, decision: 'allow_once' }).catch(() => undefined)
    const failed = await status(queued.request_id)
    expect(failed.status).toBe('failed')
    expect(failed.outcome).toMatch(/^failed: \S/)
    expect(failed.next_step).toContain('Nothing ran')
  })
})

describe('shortAnswer', () => {
  const def = (name: string, more: Partial<ActionDefinition> = {}) => ({ domain: 'thing', name, ...more }) as ActionDefinition

  it('keeps a secret shown once and the fields an action declares, whole', () => {
    const result = {
      id: 'a',
      name: 'Laptop',
      created_at: 'x',
      token: 'crm_secret',
      prefix: 'crm_',
      booked: [{ ticket_id: 't', number: 3 }],
    }
    expect(shortAnswer(def('create', { secretFields: ['token'], shortAnswer: ['booked'] }), { name: 'Laptop' }, result)).toEqual({
      id: 'a',
      name: 'Laptop',
      token: 'crm_secret',
      booked: [{ ticket_id: 't', number: 3 }],
    })
  })

  it('cuts each record inside an answer that is not one, keeps its other values and leaves out its nulls', () => {
    const result = {
      invoice: { id: 'i', number: 'INV-1', status: 'sent', amount_due_cents: 500, ticket_id: 't', notes: 'long', sent_at: 's' },
      created: false,
      next_ticket: null,
      message: { id: 'm', status: 'pending', body: 'Hello' },
    }
    expect(shortAnswer(def('send'), { ticket_id: 't' }, result)).toEqual({
      invoice: { id: 'i', number: 'INV-1', status: 'sent', amount_due_cents: 500, ticket_id: 't', sent_at: 's' },
      created: false,
      message: { id: 'm', status: 'pending' },
    })
  })

  it('keeps what a change to a field changed (tags_add: tags) and what a flag given records (archived: archived_at)', () => {
    const result = { id: 'c', display_name: 'Ann', tags: ['vip', 'gutters'], archived_at: '2031-01-01', phone: '555' }
    expect(shortAnswer(def('update'), { contact_id: 'c', tags_add: ['vip'], archived: true }, result)).toEqual({
      id: 'c',
      display_name: 'Ann',
      tags: ['vip', 'gutters'],
      archived_at: '2031-01-01',
    })
  })
})

describe('short answers in the registry', () => {
  it("every field an action declares for its short answer is a field of the action's answer", () => {
    const declared = [...buildRegistry().actions.values()].filter((d) => d.shortAnswer?.length)
    expect(declared.length).toBeGreaterThan(5)
    for (const def of declared) {
      const fields = Object.keys((jsonSchemaOf(def.output) as { properties?: object }).properties ?? {})
      for (const field of def.shortAnswer ?? []) expect(fields, `${def.domain}.${def.name}`).toContain(field)
    }
  })
})
