import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../api/app.js'
import { createHttpServer } from '../../api/http-server.js'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/kernel/config.js'
import { capturingEmail } from '../helpers/email.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { awayFromWindowEdge } from '../helpers/rate-windows.js'

describe.each(engines)('limits shared by every server process on one database (%s)', (engine) => {
  let app: TestApp
  let second: Server
  let urls: string[]

  beforeAll(async () => {
    app = await startTestApp(engine)
    // A second server with services of its own over the same database, as a second process would have.
    const config = { ...loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }), logLevel: 'silent' as const }
    const services = createServices(config, app.t.db, { email: capturingEmail() })
    second = await new Promise((resolve) => {
      const s = createHttpServer(createApp(services)).listen(0, '127.0.0.1', () => resolve(s))
    })
    urls = [app.url, `http://127.0.0.1:${(second.address() as AddressInfo).port}`]
  })
  afterAll(async () => {
    await new Promise((resolve) => second?.close(resolve))
    await app?.close()
  })

  const askLink = (url: string, email: string) =>
    fetch(`${url}/auth/magic-link`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) })

  it('the sixth sign-in link request for one address is refused whichever server takes it', async () => {
    await awayFromWindowEdge()
    for (let i = 0; i < 5; i++) expect((await askLink(urls[i % 2], 'owner@sparkle.test')).status).toBeLessThan(300)
    for (const url of urls) {
      const refused = await askLink(url, 'owner@sparkle.test')
      expect(refused.status).toBe(429)
      expect(((await refused.json()) as any).error.code).toBe('RATE_LIMITED')
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    // Another address is its own count.
    expect((await askLink(urls[1], 'someone@else.test')).status).toBeLessThan(300)
  })

  it('wrong bearer tokens count across servers: the 21st is refused on either, a good token still gets in', async () => {
    await awayFromWindowEdge()
    const wrong = (url: string, i: number) =>
      fetch(`${url}/api/data?type=contacts`, { headers: { authorization: `Bearer crm_b${String(i).padStart(7, '0')}_${'C'.repeat(43)}` } })
    for (let i = 0; i < 20; i++) expect((await wrong(urls[i % 2], i)).status).toBe(401)
    expect((await wrong(urls[0], 99)).status).toBe(429)
    expect((await wrong(urls[1], 98)).status).toBe(429)
    const good = await fetch(`${urls[1]}/api/data?type=contacts`, { headers: { authorization: `Bearer ${app.tenant.agent_token}` } })
    expect(good.status).toBe(200)
  })

  it('keeps no address, email or token: only digests of the keys', async () => {
    const rows = (await app.t.admin.query<{ limiter: string; key_hash: string }>('select limiter, key_hash from rate_limit_windows')).rows
    expect(new Set(rows.map((r) => r.limiter))).toEqual(
      new Set(['sign-in-link-client', 'sign-in-link-email', 'token-failure-client', 'token-failure-prefix']),
    )
    const stored = JSON.stringify(rows)
    for (const clear of ['owner@sparkle.test', '127.0.0.1', 'crm_b']) expect(stored).not.toContain(clear)
  })
})
