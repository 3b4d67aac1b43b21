import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../api/app.js'
import { cspHash } from '../../console/csp.js'
import { expectError } from '../helpers/envelope-assertions.js'
import { signIn } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { rawRequest, type RawResponse } from '../helpers/raw-http.js'
import { routesOf } from '../helpers/routes.js'

/** Text a link could try to put into a page's success banner. */
const SPOOF = 'Your account is locked. Call 555-0100 now'

describe.each(engines)("the web's defaults: security headers, no caching, no text from links (%s)", (engine) => {
  let app: TestApp
  let cookie: string

  beforeAll(async () => {
    app = await startTestApp(engine)
    const b = await signIn(app, 'owner@sparkle.test')
    cookie = `crm_session=${encodeURIComponent(b.cookie!)}`
  })
  afterAll(() => app?.close())

  const asOwner = (path: string, method = 'GET', headers: Record<string, string> = {}) =>
    rawRequest(app.url, method, path, { cookie, ...headers })

  function expectSecurityHeaders(res: RawResponse, what: string) {
    const h = res.headers
    expect(h['x-content-type-options'], what).toBe('nosniff')
    expect(h['x-frame-options'], what).toBe('DENY')
    expect(h['referrer-policy'], what).toBe('no-referrer')
    expect(h['cache-control'], what).toMatch(/no-store/)
    const csp = String(h['content-security-policy'])
    expect(csp, what).toMatch(/default-src 'none'/)
    expect(csp, what).toMatch(/frame-ancestors 'none'/)
    expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval/)
  }

  it('every page and API answer carries them, errors and refusals included', async () => {
    const routes = routesOf(createApp(app.services)).filter((r) => r.method === 'GET')
    expect(routes.length).toBeGreaterThan(10)
    for (const route of routes) {
      const path = route.path.replace(/[:*]\w+/g, randomUUID())
      expectSecurityHeaders(await asOwner(path), `GET ${path}`)
    }
    expectSecurityHeaders(await rawRequest(app.url, 'GET', '/'), 'the sign-in page')
    expectSecurityHeaders(
      await rawRequest(
        app.url,
        'POST',
        '/api/actions',
        { authorization: `Bearer ${app.tenant.agent_token}`, 'content-type': 'application/json' },
        JSON.stringify({ domain: 'contact', action: 'create', data: { display_name: 'Header Check' } }),
      ),
      'an action',
    )
    expectSecurityHeaders(await rawRequest(app.url, 'GET', '/no/such/page'), 'a 404')
    expectSecurityHeaders(await rawRequest(app.url, 'OPTIONS', '/api/actions'), 'OPTIONS')
  })

  it('every inline style and script a page carries is allowed by its hash, and pages carry no inline style or event attributes', async () => {
    const pages = [
      '/',
      '/review',
      '/review/history',
      '/review/permissions',
      '/messages',
      '/messages/outbox',
      '/today',
      '/today?view=week',
      '/import',
    ]
    const anonymous = ['/', '/payments/thank-you', '/auth/verify?token=wrong']
    const seen = new Set<string>()
    for (const [path, res] of [
      ...(await Promise.all(pages.map(async (p) => [p, await asOwner(p)] as const))),
      ...(await Promise.all(anonymous.map(async (p) => [p, await rawRequest(app.url, 'GET', p)] as const))),
    ]) {
      expect(res.headers['content-type'], path).toMatch(/^text\/html/)
      const csp = String(res.headers['content-security-policy'])
      for (const [, tag, body] of res.text.matchAll(/<(style|script)>([\s\S]*?)<\/\1>/g)) {
        seen.add(tag)
        expect(csp, `${tag} on ${path}`).toContain(cspHash(body))
      }
      expect(res.text, path).not.toMatch(/\sstyle=|\son[a-z]+=|javascript:/i)
    }
    expect([...seen]).toContain('style')
  })

  it('owner pages, which hold customer data and CSRF tokens, are never stored by a cache', async () => {
    for (const path of ['/review', '/review/permissions', '/messages', '/messages/outbox', '/today', '/import', '/auth/session']) {
      const res = await asOwner(path)
      expect(res.status, path).toBe(200)
      expect(res.headers['cache-control'], path).toBe('no-store')
    }
  })

  it("a link cannot put its own words into the success banner of the owner's pages", async () => {
    for (const path of ['/review', '/review/permissions', '/messages']) {
      const res = await asOwner(`${path}?done=${encodeURIComponent(SPOOF)}`)
      expect(res.status, path).toBe(200)
      expect(res.text, path).not.toContain('Call 555-0100')
      expect(res.text, path).not.toContain('class="ok"')
    }
    // The keys the server itself sends show the server's own words.
    expect((await asOwner('/review?done=denied')).text).toContain('Denied; the agent will read your reason and note.')
    expect((await asOwner('/messages?done=cancelled')).text).toContain('The email was cancelled.')
    expect((await asOwner('/review/permissions?done=level:contact.create')).text).toMatch(/class="ok">[^<]*customer[^<]*: [a-z]/i)
    expect((await asOwner('/review/permissions?done=level:no.such')).text).not.toContain('class="ok"')
    expect((await asOwner('/review?done=__proto__')).text).not.toContain('class="ok"')
  })

  it('OPTIONS and other methods are refused in the envelope with 405 and Allow, not answered in plain text', async () => {
    for (const method of ['OPTIONS', 'PUT', 'DELETE', 'PATCH']) {
      const res = await app.call(method, '/api/actions')
      expectError(res, 405, 'VALIDATION_ERROR')
      expect(res.headers.get('allow')).toBe('GET, HEAD, POST')
      expect(res.body.error.details.issues[0]).toMatchObject({ field: 'method' })
    }
  })

  it('an action or data type name of 250 KB is refused by its length at once, without being compared or echoed', async () => {
    const huge = 'contact'.repeat(36_000)
    const started = Date.now()
    const action = await app.call('POST', '/api/actions', { domain: huge, action: 'create', data: {} })
    // Comparing it with every registered name took seconds and blocked every other request meanwhile.
    expect(Date.now() - started).toBeLessThan(1000)
    expectError(action, 400, 'VALIDATION_ERROR')
    expect(action.body.error.message).toMatch(/^domain: is 252000 characters long; names are at most 64/)
    expect(JSON.stringify(action.body).length).toBeLessThan(1000)
    const read = await app.call('GET', `/api/data?type=${'y'.repeat(8000)}`)
    expectError(read, 400, 'VALIDATION_ERROR')
    expect(read.body.error.details.issues[0].field).toBe('type')
  })
})
