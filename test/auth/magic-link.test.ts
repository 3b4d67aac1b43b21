import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../core/kernel/config.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'
import { addUser, browser, lastLinkTokenFor, signIn } from '../helpers/session-browser.js'
import { followSignInLink, signInFormOf, submitForm } from '../helpers/sign-in-link.js'

const OWNER = 'owner@sparkle.test'

/** The Set-Cookie line of the session cookie, split into its attributes. */
function sessionCookieAttributes(headers: Headers): string[] {
  const line = headers.getSetCookie().find((c) => c.startsWith('crm_session='))
  expect(line, 'a crm_session cookie').toBeDefined()
  return line!.split(';').map((p) => p.trim().toLowerCase())
}

describe.each(engines)('sign-in by magic link (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('answers the same for a known and an unknown address, and emails only the known one', async () => {
    const before = app.email.sent.length
    const known = await browser(app).call('POST', '/auth/magic-link', { email: OWNER })
    const unknown = await browser(app).call('POST', '/auth/magic-link', { email: 'stranger@nowhere.test' })
    expect(known.status).toBe(unknown.status)
    expect(expectData(known)).toEqual(expectData(unknown))
    const sent = app.email.sent.slice(before)
    expect(sent.map((m) => m.to)).toEqual([OWNER])
    expect(sent[0].text).toContain(`${app.services.config.publicBaseUrl}/auth/verify?token=`)
  })

  it('finds the account whatever the case of the address', async () => {
    const before = app.email.sent.length
    expectData(await browser(app).call('POST', '/auth/magic-link', { email: 'Owner@SPARKLE.test' }))
    expect(app.email.sent.slice(before).map((m) => m.to)).toEqual([OWNER])
  })

  it('refuses a request without a valid address in the envelope', async () => {
    const res = await browser(app).call('POST', '/auth/magic-link', { email: 'not an address' })
    expectError(res, 400, 'VALIDATION_ERROR')
    expect(res.body.error!.details!.issues).toEqual([expect.objectContaining({ field: 'email' })])
  })

  it("the link's button signs in once: 303 and an HttpOnly, SameSite=Lax session cookie (not Secure over http)", async () => {
    const b = browser(app)
    expectData(await b.call('POST', '/auth/magic-link', { email: OWNER }))
    const token = lastLinkTokenFor(app, OWNER)
    const opened = await followSignInLink(app, b, token)
    expect(opened.status).toBe(303)
    expect(opened.headers.get('location')).toBe('/')
    const attrs = sessionCookieAttributes(opened.headers)
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']))
    expect(attrs).not.toContain('secure')
    const session = expectData(await b.call('GET', '/auth/session'))
    expect(session.tenant_id).toBe(app.tenant.tenant_id)
    expect(session.user).toMatchObject({ type: 'user', id: app.tenant.owner_user_id, role: 'owner', email: OWNER })
    expect(session.csrf_token).toMatch(/^[A-Za-z0-9_-]{20,}$/)

    const reused = await submitForm(app, browser(app), '/auth/verify', { token })
    expect(reused.status).toBe(400)
    expect(reused.headers.getSetCookie().filter((c) => c.startsWith('crm_session='))).toEqual([])
    expect((reused.body as unknown as { raw: string }).raw).toMatch(/invalid, already used or expired/)
  })

  it("opening the link, by HEAD or GET as often as a mail scanner likes, uses nothing up: the person's press signs in", async () => {
    const email = 'scanned@sparkle.test'
    await addUser(app, email)
    expectData(await browser(app).call('POST', '/auth/magic-link', { email }))
    const token = lastLinkTokenFor(app, email)
    const scanner = browser(app)
    const head = await fetch(`${app.url}/auth/verify?token=${token}`, { method: 'HEAD', redirect: 'manual' })
    expect(head.status).toBe(200)
    expect(head.headers.getSetCookie()).toEqual([])
    for (let i = 0; i < 2; i++) {
      const scanned = await scanner.call('GET', `/auth/verify?token=${token}`)
      expect(scanned.status).toBe(200)
      expect(scanned.headers.get('cache-control')).toBe('no-store')
      expect(scanned.headers.get('referrer-policy')).toBe('no-referrer')
      const html = (scanned.body as unknown as { raw: string }).raw
      expect(html).toContain('<button>Sign in</button>')
      expect(html).not.toContain('<script')
      expect(signInFormOf(html)).toEqual({ action: '/auth/verify', fields: { token } })
    }
    expect(scanner.cookie).toBeUndefined()
    const unused = await app.t.admin.query('select used_at from magic_links where user_id = (select id from users where email = $1)', [
      email,
    ])
    expect(unused.rows).toEqual([{ used_at: null }])

    const person = browser(app)
    expect((await followSignInLink(app, person, token)).status).toBe(303)
    expect(expectData(await person.call('GET', '/auth/session')).user.email).toBe(email)
  })

  it("a browser already signed in sends its CSRF token with the press, and signs in as the link's person", async () => {
    const b = await signIn(app, OWNER)
    const other = 'second@sparkle.test'
    await addUser(app, other)
    expectData(await browser(app).call('POST', '/auth/magic-link', { email: other }))
    const opened = await b.call('GET', `/auth/verify?token=${lastLinkTokenFor(app, other)}`)
    const { fields } = signInFormOf((opened.body as unknown as { raw: string }).raw)
    expect(fields._csrf).toBe(expectData(await b.call('GET', '/auth/session')).csrf_token)
    expect((await submitForm(app, b, '/auth/verify', { token: fields.token })).status).toBe(403)
    expect((await submitForm(app, b, '/auth/verify', fields)).status).toBe(303)
    expect(expectData(await b.call('GET', '/auth/session')).user.email).toBe(other)
  })

  it('refuses an expired link', async () => {
    const email = 'late@sparkle.test'
    await addUser(app, email)
    expectData(await browser(app).call('POST', '/auth/magic-link', { email }))
    const token = lastLinkTokenFor(app, email)
    await app.t.admin.query(`update magic_links set expires_at = now() - interval '1 minute' where used_at is null`)
    const b = browser(app)
    const res = await followSignInLink(app, b, token)
    expect(res.status).toBe(400)
    expect(b.cookie).toBeUndefined()
  })

  it('refuses a made-up or damaged token', async () => {
    const b = browser(app)
    expect((await followSignInLink(app, b, 'A'.repeat(43))).status).toBe(400)
    for (const token of ['short', '', `${'A'.repeat(42)}"`]) {
      expect((await b.call('GET', `/auth/verify?token=${encodeURIComponent(token)}`)).status).toBe(400)
      expect((await submitForm(app, b, '/auth/verify', { token })).status).toBe(400)
    }
    expect(b.cookie).toBeUndefined()
  })

  it('a link expires in 15 minutes', async () => {
    await addUser(app, 'clock@sparkle.test')
    expectData(await browser(app).call('POST', '/auth/magic-link', { email: 'clock@sparkle.test' }))
    const r = await app.t.admin.query<{ minutes: number }>(
      `select extract(epoch from expires_at - created_at) / 60 as minutes from magic_links order by created_at desc limit 1`,
    )
    expect(Number(r.rows[0].minutes)).toBeCloseTo(15, 1)
  })

  it('stores links, sessions and agent tokens only as hashes', async () => {
    await addUser(app, 'hash@sparkle.test')
    const b = browser(app)
    expectData(await b.call('POST', '/auth/magic-link', { email: 'hash@sparkle.test' }))
    const link = lastLinkTokenFor(app, 'hash@sparkle.test')
    expect((await followSignInLink(app, b, link)).status).toBe(303)
    // The token is crm_<8-character prefix>_<secret>, and the secret itself may contain '_'.
    const secrets = [link, b.cookie!, app.tenant.agent_token, app.tenant.agent_token.split('_').slice(2).join('_')]
    for (const table of ['magic_links', 'sessions', 'agent_tokens']) {
      const rows = await app.t.admin.query<{ j: string }>(`select row_to_json(t)::text as j from ${table} t`)
      expect(rows.rows.length).toBeGreaterThan(0)
      for (const row of rows.rows) for (const secret of secrets) expect(row.j).not.toContain(secret)
    }
  })

  it('a form post gets a page instead of JSON', async () => {
    await addUser(app, 'form@sparkle.test')
    const before = app.email.sent.length
    const res = await fetch(`${app.url}/auth/magic-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=form%40sparkle.test',
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await res.text()).toContain('If this address belongs to an account')
    expect(app.email.sent.slice(before).map((m) => m.to)).toEqual(['form@sparkle.test'])
  })

  it('signs in a second user of the same business as themself', async () => {
    await addUser(app, 'tech@sparkle.test', 'technician', 'Tess Tech')
    const b = await signIn(app, 'tech@sparkle.test')
    const session = expectData(await b.call('GET', '/auth/session'))
    expect(session.user).toMatchObject({ role: 'technician', name: 'Tess Tech', email: 'tech@sparkle.test' })
    expect(session.user.id).not.toBe(app.tenant.owner_user_id)
  })
})

describe.each(engines)('sign-in behind HTTPS (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    const config = { ...loadConfig({ PORT: '0' }), logLevel: 'silent' as const, publicBaseUrl: 'https://crm.sparkle.test' }
    app = await startTestApp(engine, { config })
  })
  afterAll(() => app.close())

  it('emails a link to the public address and sets a Secure cookie', async () => {
    const b = browser(app)
    expectData(await b.call('POST', '/auth/magic-link', { email: OWNER }))
    expect(app.email.sent.at(-1)!.text).toContain('https://crm.sparkle.test/auth/verify?token=')
    const opened = await followSignInLink(app, b, lastLinkTokenFor(app, OWNER))
    expect(opened.status).toBe(303)
    expect(sessionCookieAttributes(opened.headers)).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax']))
  })
})

describe.each(engines)('sign-in when the email provider fails (%s)', (engine) => {
  let app: TestApp
  const attempts: string[] = []
  beforeAll(async () => {
    app = await startTestApp(engine, {
      email: {
        delivers: true,
        describe: () => 'failing provider',
        async send(message) {
          attempts.push(message.to)
          throw new Error('provider is down')
        },
      },
    })
  })
  afterAll(() => app.close())

  it('answers a known address exactly as an unknown one', async () => {
    const known = await browser(app).call('POST', '/auth/magic-link', { email: OWNER })
    const unknown = await browser(app).call('POST', '/auth/magic-link', { email: 'stranger@nowhere.test' })
    expect(expectData(known)).toEqual(expectData(unknown))
    expect(attempts).toEqual([OWNER])
  })
})
