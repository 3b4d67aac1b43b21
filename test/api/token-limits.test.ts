import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../core/kernel/config.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'
import { awayFromWindowEdge } from '../helpers/rate-windows.js'

const secret = (c: string) => c.repeat(43)
const contacts = (app: TestApp, token: string, from?: string) =>
  app.call('GET', '/api/data?type=contacts', undefined, { authorization: `Bearer ${token}`, ...(from ? { 'x-forwarded-for': from } : {}) })

describe('TRUST_PROXY', () => {
  it("trusts no proxy unless told, and otherwise takes express's trust proxy values", () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: '' }).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true)
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8')
  })
})

describe.each(engines)('failed bearer tokens with no proxy trusted (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
    await awayFromWindowEdge()
  })
  afterAll(() => app.close())

  it('counts X-Forwarded-For as nothing: 21 wrong tokens from one client are limited whatever address they claim', async () => {
    for (let i = 0; i < 20; i++)
      expectError(await contacts(app, `crm_a${String(i).padStart(7, '0')}_${secret('B')}`, `203.0.113.${i + 1}`), 401, 'UNAUTHENTICATED')
    const limited = await contacts(app, 'not-even-a-token', '198.51.100.200')
    expectError(limited, 429, 'RATE_LIMITED')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('still lets every valid token in from that address', async () => {
    expectData(await contacts(app, app.tenant.agent_token))
    const other = await app.createTenant('Second Shop')
    expectData(await contacts(app, other.agent_token, '198.51.100.201'))
    expectError(await contacts(app, `crm_zzzzzzzz_${secret('C')}`), 429, 'RATE_LIMITED')
  })
})

describe.each(engines)('failed bearer tokens behind a trusted proxy (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine, { config: { ...loadConfig({ PORT: '0', TRUST_PROXY: 'loopback' }), logLevel: 'silent' as const } })
    await awayFromWindowEdge()
  })
  afterAll(() => app.close())

  it('limits guesses at one token prefix from any number of addresses, and never the token itself', async () => {
    const prefix = app.tenant.agent_token.split('_')[1]
    for (let i = 0; i < 20; i++)
      expectError(await contacts(app, `crm_${prefix}_${secret('D')}`, `192.0.2.${i + 1}`), 401, 'UNAUTHENTICATED')
    const limited = await contacts(app, `crm_${prefix}_${secret('E')}`, '192.0.2.100')
    expectError(limited, 429, 'RATE_LIMITED')
    expect(limited.body.error.message).toContain('token prefix')
    expectData(await contacts(app, app.tenant.agent_token, '192.0.2.100'))
    // Another prefix from a fresh address is a first failure there.
    expectError(await contacts(app, `crm_00000000_${secret('D')}`, '192.0.2.101'), 401, 'UNAUTHENTICATED')
  })

  it('limits one address the proxy names, not the others behind it', async () => {
    for (let i = 0; i < 20; i++) expectError(await contacts(app, `garbage-${i}`, '203.0.113.50'), 401, 'UNAUTHENTICATED')
    expectError(await contacts(app, 'garbage-20', '203.0.113.50'), 429, 'RATE_LIMITED')
    expectError(await contacts(app, 'garbage-21', '203.0.113.51'), 401, 'UNAUTHENTICATED')
    expectData(await contacts(app, app.tenant.agent_token, '203.0.113.50'))
  })
})
