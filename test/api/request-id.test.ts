import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { setLogLevel } from '../../core/kernel/log.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'
import { UUID } from '../../core/kernel/schema-types.js'

describe.each(engines)('X-Request-Id and the request log (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())
  afterEach(() => {
    vi.restoreAllMocks()
    setLogLevel('silent')
  })

  it('echoes a given request id in the header and in meta, on success and on error', async () => {
    const ok = await app.call('GET', '/api/data?type=contacts', undefined, { 'x-request-id': 'client-req-0001' })
    expectData(ok)
    expect(ok.headers.get('x-request-id')).toBe('client-req-0001')
    expect(ok.body.meta.request_id).toBe('client-req-0001')
    const bad = await app.call('GET', '/api/data', undefined, { 'x-request-id': 'client-req-0002' })
    expectError(bad, 400, 'VALIDATION_ERROR')
    expect(bad.body.meta.request_id).toBe('client-req-0002')
  })

  it('generates one when none is given, different for each request', async () => {
    const a = await app.query({ type: 'contacts' })
    const b = await app.query({ type: 'contacts' })
    expect(a.body.meta.request_id).toMatch(UUID)
    expect(a.body.meta.request_id).toBe(a.body.meta.request_id.toLowerCase())
    expect(a.headers.get('x-request-id')).toBe(a.body.meta.request_id)
    expect(b.body.meta.request_id).not.toBe(a.body.meta.request_id)
  })

  it.each([['with spaces and <markup>'], ['x'.repeat(200)], ['quote"and;semicolon']])('replaces a malformed one (%#)', async (given) => {
    const res = await app.call('GET', '/api/data?type=contacts', undefined, { 'x-request-id': given })
    expect(res.body.meta.request_id).toMatch(UUID)
    expect(res.body.meta.request_id).toBe(res.body.meta.request_id.toLowerCase())
    expect(res.headers.get('x-request-id')).toBe(res.body.meta.request_id)
  })

  it('the id reaches the audit row of the change it made', async () => {
    const created = await app.action(
      'contact',
      'create',
      { display_name: 'Traced Customer' },
      { headers: { 'x-request-id': 'trace-me-42' } },
    )
    const read = expectData(await app.query({ type: 'contacts', id: expectData(created).id, include: 'audit_trail' }))
    expect(read.audit_trail[0].request_id).toBe('trace-me-42')
  })

  it('writes one structured JSON line per request with request id, method, full path and status', async () => {
    setLogLevel('info')
    const lines: string[] = []
    const real = process.stdout.write.bind(process.stdout)
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: any[]) => {
      const text = String(chunk)
      if (text.startsWith('{')) lines.push(text)
      else return real(chunk, ...rest)
      return true
    }) as typeof process.stdout.write)
    const ok = await app.call('GET', '/api/data?type=contacts&limit=5', undefined, { 'x-request-id': 'log-line-ok' })
    const missing = await app.call('POST', '/api/actions', { domain: 'contact', action: 'nope' }, { 'x-request-id': 'log-line-404' })
    expect([ok.status, missing.status]).toEqual([200, 404])
    // The line is written when the response has finished; give the event loop a turn to get there.
    await vi.waitFor(() => expect(lines.filter((l) => l.includes('log-line-')).length).toBe(2))
    const records = lines.map((l) => JSON.parse(l)).filter((r) => String(r.request_id).startsWith('log-line-'))
    expect(records).toEqual([
      expect.objectContaining({ level: 'info', msg: 'request', request_id: 'log-line-ok', method: 'GET', path: '/api/data', status: 200 }),
      expect.objectContaining({
        level: 'info',
        msg: 'request',
        request_id: 'log-line-404',
        method: 'POST',
        path: '/api/actions',
        status: 404,
      }),
    ])
    expect(records[0].tenant_id).toBe(app.tenant.tenant_id)
    expect(records[0].actor).toMatch(/^agent:/)
    for (const l of lines) expect(l.endsWith('\n') && !l.slice(0, -1).includes('\n')).toBe(true)
  })

  it('never writes a sign-in link token to the request log', async () => {
    setLogLevel('info')
    const lines: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    }) as typeof process.stdout.write)
    const token = 'T'.repeat(43)
    await app.call('GET', `/auth/verify?token=${token}`, undefined, { authorization: '', 'x-request-id': 'verify-log' })
    await vi.waitFor(() => expect(lines.some((l) => l.includes('"request_id":"verify-log"') && l.includes('"msg":"request"'))).toBe(true))
    expect(lines.join('')).not.toContain(token)
  })
})
