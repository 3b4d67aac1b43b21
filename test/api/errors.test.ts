import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { revokeAgentToken } from '../../core/auth/agent-tokens.js'
import * as contactActions from '../../core/domains/contacts/actions.js'
import * as addressQueries from '../../core/domains/addresses/queries.js'
import * as contactQueries from '../../core/domains/contacts/queries.js'
import { createRegistry, defineAction } from '../../core/kernel/registry.js'
import { loadConfig } from '../../core/kernel/config.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'
import { awayFromWindowEdge } from '../helpers/rate-windows.js'

/** A soft_limit action: agents must say why before it runs. */
const renameAll = defineAction({
  key: 'probe.soft_write',
  description: 'Creates a contact; soft_limit so agents must give reasoning.',
  access: { agent: 'soft_limit', technician: 'none' },
  input: z.strictObject({ display_name: z.string().min(1) }),
  output: z.object({ id: z.uuid(), display_name: z.string() }),
  async run(ctx, input) {
    const r = await ctx.db.query<{ id: string }>(
      `insert into contacts (tenant_id, display_name) values ($1, $2) returning id, display_name`,
      [ctx.tenantId, input.display_name],
    )
    await ctx.audit({ entityType: 'contact', entityId: r.rows[0].id, action: 'create', before: null, after: r.rows[0] })
    return r.rows[0]
  },
})

/** An action with a programming error: it throws something that is not an AppError. */
const explode = defineAction({
  key: 'probe.explode',
  description: 'Fails with an unexpected error.',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.object({}),
  output: z.object({}),
  async run() {
    throw new Error('secret-internal-detail: pool state corrupted')
  },
})

describe.each(engines)('API errors: envelope and status for each code (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    // The rate limit tests below come from several addresses through a proxy on this machine.
    const config = { ...loadConfig({ PORT: '0', TRUST_PROXY: 'loopback' }), logLevel: 'silent' as const }
    app = await startTestApp(engine, {
      config,
      registry: createRegistry([contactActions, contactQueries, addressQueries, { renameAll, explode }]),
    })
  })
  afterAll(() => app.close())

  describe('VALIDATION_ERROR 400', () => {
    it('names the bad field', async () => {
      const res = await app.action('contact', 'create', { display_name: 'Jo', email: 'nope' })
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error!.details!.issues).toEqual([expect.objectContaining({ field: 'data.email' })])
      expect(res.body.error!.message).toContain('data.email')
    })

    it('refuses a malformed JSON body', async () => {
      const res = await app.call('POST', '/api/actions', '{"domain": "contact", "action": ')
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error!.message).toMatch(/JSON/)
    })

    it('refuses a body that is missing domain and action', async () => {
      const res = await app.call('POST', '/api/actions', { data: {} })
      expectError(res, 400, 'VALIDATION_ERROR')
      expect((res.body.error!.details!.issues as Array<{ field: string }>).map((i) => i.field).sort()).toEqual(['action', 'domain'])
    })

    it('asks for type on /api/data', async () => {
      const res = await app.call('GET', '/api/data')
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error!.details!.issues).toEqual([expect.objectContaining({ field: 'type' })])
    })

    it.each(['0', '101', 'ten', '2.5'])('refuses limit=%s', async (limit) => {
      const res = await app.query({ type: 'contacts', limit })
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error!.details!.issues).toEqual([expect.objectContaining({ field: 'limit' })])
    })

    it('refuses an unknown include and lists the known ones', async () => {
      const res = await app.query({ type: 'contacts', include: 'invoices' })
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error!.message).toContain('audit_trail')
    })

    it('refuses an unknown filter and lists the known ones', async () => {
      const res = await app.query({ type: 'contacts', colour: 'blue' })
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error!.details!.issues).toEqual([expect.objectContaining({ field: 'colour' })])
      expect(res.body.error!.message).toMatch(/q, status/)
    })

    it('refuses an id that is not a UUID where the record has no number or name to go by', async () => {
      expectError(await app.query({ type: 'addresses', id: '42' }), 400, 'VALIDATION_ERROR')
    })

    it('reads words in an id as a number or a name where the record has one, and finds none', async () => {
      expectError(await app.query({ type: 'contacts', id: '42' }), 404, 'NOT_FOUND')
    })

    it('refuses a damaged cursor', async () => {
      expectError(await app.query({ type: 'contacts', cursor: 'not-a-cursor' }), 400, 'VALIDATION_ERROR')
    })

    it('refuses text with a NUL character, in an action and in a filter', async () => {
      const write = await app.action('contact', 'create', { display_name: 'Nul\u0000Byte' })
      expectError(write, 400, 'VALIDATION_ERROR')
      expect(write.body.error!.message).toMatch(/NUL/)
      expectError(await app.query({ type: 'contacts', q: 'Nul\u0000Byte' }), 400, 'VALIDATION_ERROR')
    })

    it('refuses an Idempotency-Key that is too long to store', async () => {
      const res = await app.action(
        'contact',
        'create',
        { display_name: 'Long Key' },
        { headers: { 'idempotency-key': randomUUID().repeat(200) } },
      )
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error!.details!.issues).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })])
    })

    it('answers 413 in the envelope for a body over the size limit, and writes nothing', async () => {
      const name = `Huge ${randomUUID()}`
      const res = await app.action('contact', 'create', { display_name: name, first_name: 'x'.repeat(app.services.config.bodyLimitBytes) })
      expectError(res, 413, 'VALIDATION_ERROR')
      expect(res.body.error!.message).toContain(String(app.services.config.bodyLimitBytes))
      const list = expectData(await app.query({ type: 'contacts', q: name }))
      expect(list.items).toEqual([])
    })
  })

  describe('NOT_FOUND 404', () => {
    it('for an unknown route under /api', async () => {
      const res = await app.call('GET', '/api/nothing-here')
      expectError(res, 404, 'NOT_FOUND')
      expect(res.body.error!.message).toContain('/api/nothing-here')
    })

    it('for an unknown route under /api without credentials', async () => {
      expectError(await app.call('POST', '/api/nothing-here', {}, { authorization: '' }), 404, 'NOT_FOUND')
    })

    it('for an unknown route elsewhere', async () => {
      expectError(await app.call('GET', '/no/such/page'), 404, 'NOT_FOUND')
    })

    it('for an unknown action, suggesting the nearest ones', async () => {
      const res = await app.action('contact', 'creat', { display_name: 'x' })
      expectError(res, 404, 'NOT_FOUND')
      expect((res.body.error!.details!.suggestions as string[])[0]).toBe('contact.create')
      expect(res.body.error!.message).toContain('contact.create')
    })

    it('for an unknown data type, suggesting the nearest', async () => {
      const res = await app.query({ type: 'contact' })
      expectError(res, 404, 'NOT_FOUND')
      expect(res.body.error!.details!.suggestions).toContain('contacts')
    })

    it('for an unknown id, on read and on update', async () => {
      const id = randomUUID()
      const read = await app.query({ type: 'contacts', id })
      expectError(read, 404, 'NOT_FOUND')
      expect(read.body.error!.message).toContain(id)
      expectError(await app.action('contact', 'update', { contact_id: id, phone: '(256) 555-0100' }), 404, 'NOT_FOUND')
    })
  })

  describe('UNAUTHENTICATED 401', () => {
    it('without credentials, on every /api route', async () => {
      for (const [method, path] of [
        ['GET', '/api/data?type=contacts'],
        ['GET', '/api/capabilities'],
        ['POST', '/api/actions'],
      ]) {
        const res = await app.call(
          method,
          path,
          method === 'POST' ? { domain: 'contact', action: 'create', data: { display_name: 'x' } } : undefined,
          { authorization: '' },
        )
        expectError(res, 401, 'UNAUTHENTICATED')
      }
    })

    it('with a bad token', async () => {
      expectError(await app.query({ type: 'contacts' }, `crm_abcdefgh_${'A'.repeat(43)}`), 401, 'UNAUTHENTICATED')
      expectError(
        await app.call('GET', '/api/data?type=contacts', undefined, { authorization: 'Basic dXNlcjpwYXNz' }),
        401,
        'UNAUTHENTICATED',
      )
    })

    it('with a revoked token', async () => {
      const other = await app.createTenant('Revoked Co')
      expectData(await app.query({ type: 'contacts' }, other.agent_token))
      await revokeAgentToken(app.t.db, other.agent_token)
      expectError(await app.query({ type: 'contacts' }, other.agent_token), 401, 'UNAUTHENTICATED')
    })
  })

  it('CONFLICT 409 when an Idempotency-Key is reused with another body', async () => {
    const key = randomUUID()
    expectData(await app.action('contact', 'create', { display_name: 'First' }, { headers: { 'idempotency-key': key } }))
    const res = await app.action('contact', 'create', { display_name: 'Second' }, { headers: { 'idempotency-key': key } })
    expectError(res, 409, 'CONFLICT')
    expect(res.body.error!.message).toMatch(/Idempotency-Key/)
  })

  describe('REASONING_REQUIRED 422', () => {
    it('refuses a soft_limit action without reasoning, and writes nothing', async () => {
      const name = `Soft ${randomUUID()}`
      for (const reasoning of [undefined, '   ']) {
        const res = await app.action('probe', 'soft_write', { display_name: name }, { reasoning })
        expectError(res, 422, 'REASONING_REQUIRED')
        expect(res.body.error!.message).toMatch(/reasoning/)
      }
      expect(expectData(await app.query({ type: 'contacts', q: name })).items).toEqual([])
    })

    it('runs it with reasoning, and the audit keeps the reasoning', async () => {
      const name = `Soft ${randomUUID()}`
      const why = 'The customer asked by phone to be added.'
      const created = expectData(await app.action('probe', 'soft_write', { display_name: name }, { reasoning: why }))
      const read = expectData(await app.query({ type: 'contacts', id: created.id, include: 'audit_trail' }))
      expect(read.audit_trail).toEqual([expect.objectContaining({ action: 'create', actor_type: 'agent', reasoning: why })])
    })
  })

  it('INTERNAL 500 for an unexpected error: the request id to quote, no internals', async () => {
    const res = await app.action('probe', 'explode', {})
    expectError(res, 500, 'INTERNAL')
    expect(res.body.error!.message).toContain(res.body.meta.request_id)
    expect(JSON.stringify(res.body)).not.toContain('secret-internal-detail')
  })

  describe('RATE_LIMITED 429', () => {
    beforeEach(() => awayFromWindowEdge())

    it('after too many failed bearer attempts from one address, with Retry-After', async () => {
      const from = { 'x-forwarded-for': '203.0.113.7' }
      const bad = { ...from, authorization: `Bearer crm_zzzzzzzz_${'B'.repeat(43)}` }
      for (let i = 0; i < 20; i++) expectError(await app.call('GET', '/api/data?type=contacts', undefined, bad), 401, 'UNAUTHENTICATED')
      const limited = await app.call('GET', '/api/data?type=contacts', undefined, bad)
      expectError(limited, 429, 'RATE_LIMITED')
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      // Another address is not affected.
      expectData(await app.call('GET', '/api/data?type=contacts', undefined, { 'x-forwarded-for': '203.0.113.8' }))
    })

    it('after too many sign-in link requests for one address, with Retry-After', async () => {
      const ask = (email: string, ip: string) =>
        app.call('POST', '/auth/magic-link', { email }, { authorization: '', 'x-forwarded-for': ip })
      for (let i = 0; i < 5; i++) expectData(await ask('someone@nowhere.test', `198.51.100.${i + 1}`))
      const limited = await ask('someone@nowhere.test', '198.51.100.99')
      expectError(limited, 429, 'RATE_LIMITED')
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    })

    it('after too many sign-in link requests from one client', async () => {
      const ask = (n: number) =>
        app.call('POST', '/auth/magic-link', { email: `person${n}@nowhere.test` }, { authorization: '', 'x-forwarded-for': '192.0.2.50' })
      for (let i = 0; i < 20; i++) expectData(await ask(i))
      const limited = await ask(20)
      expectError(limited, 429, 'RATE_LIMITED')
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    })
  })
})
