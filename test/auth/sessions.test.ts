import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret } from '../../core/auth/secrets.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'
import { addUser, browser, signIn } from '../helpers/session-browser.js'

const create = (name: string) => ({ domain: 'contact', action: 'create', data: { display_name: name } })

describe.each(engines)('sessions of people signed in (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  const sessionRow = async (cookie: string) =>
    (
      await app.t.admin.query<{ expires_at: Date; ended_at: Date | null }>(
        'select expires_at, ended_at from sessions where token_hash = $1',
        [hashSecret(cookie)],
      )
    ).rows[0]

  it('reads with the cookie alone', async () => {
    const b = await signIn(app, 'owner@sparkle.test')
    expect(expectData(await b.call('GET', '/api/data?type=contacts')).items).toBeInstanceOf(Array)
    expectData(await b.call('GET', '/api/capabilities'))
  })

  it('a cookie-authenticated POST without the CSRF token is FORBIDDEN and writes nothing', async () => {
    const b = await signIn(app, 'owner@sparkle.test')
    const missing = await b.call('POST', '/api/actions', create('No Csrf Person'))
    expectError(missing, 403, 'FORBIDDEN')
    expect(missing.body.error!.message).toMatch(/X-CSRF-Token/)
    const csrf = expectData(await b.call('GET', '/auth/session')).csrf_token as string
    const wrong = await b.call('POST', '/api/actions', create('No Csrf Person'), {
      'x-csrf-token': csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    })
    expectError(wrong, 403, 'FORBIDDEN')
    expect(expectData(await b.call('GET', '/api/data?type=contacts&q=No%20Csrf%20Person')).items).toEqual([])
  })

  it('with the CSRF token the action runs, and the audit names the person', async () => {
    const userId = await addUser(app, 'manager@sparkle.test', 'owner', 'Mia Manager')
    const b = await signIn(app, 'manager@sparkle.test')
    const csrf = expectData(await b.call('GET', '/auth/session')).csrf_token as string
    const created = expectData(await b.call('POST', '/api/actions', create('Csrf Person'), { 'x-csrf-token': csrf }))
    const read = expectData(await b.call('GET', `/api/data?type=contacts&id=${created.id}&include=audit_trail`))
    expect(read.audit_trail).toEqual([expect.objectContaining({ action: 'create', actor_type: 'user', actor_id: userId })])
  })

  it("a session of one person does not carry another's CSRF token", async () => {
    const a = await signIn(app, 'owner@sparkle.test')
    await addUser(app, 'other@sparkle.test')
    const b = await signIn(app, 'other@sparkle.test')
    const csrfOfA = expectData(await a.call('GET', '/auth/session')).csrf_token
    expectError(await b.call('POST', '/api/actions', create('Cross Csrf'), { 'x-csrf-token': csrfOfA }), 403, 'FORBIDDEN')
  })

  it('logout ends the session: the cookie no longer authenticates', async () => {
    await addUser(app, 'leaver@sparkle.test')
    const b = await signIn(app, 'leaver@sparkle.test')
    const cookie = b.cookie!
    const csrf = expectData(await b.call('GET', '/auth/session')).csrf_token
    expectError(await b.call('POST', '/auth/logout'), 403, 'FORBIDDEN')
    const out = await b.call('POST', '/auth/logout', undefined, { 'x-csrf-token': csrf })
    expect(expectData(out)).toEqual({ signed_out: true })
    const cleared = out.headers.getSetCookie().filter((c) => c.startsWith('crm_session='))
    expect(cleared).toHaveLength(1)
    expect(cleared[0]).toMatch(/^crm_session=;.*expires=thu, 01 jan 1970/i)
    expect((await sessionRow(cookie)).ended_at).not.toBeNull()
    // The old cookie, replayed as it was, is refused.
    const replay = browser(app, cookie)
    expectError(await replay.call('GET', '/auth/session'), 401, 'UNAUTHENTICATED')
    expectError(await replay.call('GET', '/api/data?type=contacts'), 401, 'UNAUTHENTICATED')
    expectError(await replay.call('POST', '/api/actions', create('After Logout'), { 'x-csrf-token': csrf }), 401, 'UNAUTHENTICATED')
  })

  it('GET /auth/session without a session is UNAUTHENTICATED', async () => {
    expectError(await browser(app).call('GET', '/auth/session'), 401, 'UNAUTHENTICATED')
    expectError(await browser(app, 'made-up-cookie').call('GET', '/auth/session'), 401, 'UNAUTHENTICATED')
  })

  it('expiry slides forward on use', async () => {
    await addUser(app, 'slider@sparkle.test')
    const b = await signIn(app, 'slider@sparkle.test')
    await app.t.admin.query(`update sessions set expires_at = now() + interval '1 day' where token_hash = $1`, [hashSecret(b.cookie!)])
    expectData(await b.call('GET', '/api/data?type=contacts'))
    const row = await sessionRow(b.cookie!)
    const daysLeft = (row.expires_at.getTime() - Date.now()) / 86_400_000
    expect(daysLeft).toBeGreaterThan(29)
    expect(daysLeft).toBeLessThanOrEqual(30)
  })

  it('a session used again within the minute is not written again; a minute later it is', async () => {
    await addUser(app, 'busy@sparkle.test')
    const b = await signIn(app, 'busy@sparkle.test')
    const stamp = async () =>
      (
        await app.t.admin.query<{ expires_at: Date; last_seen_at: Date }>(
          'select expires_at, last_seen_at from sessions where token_hash = $1',
          [hashSecret(b.cookie!)],
        )
      ).rows[0]
    expectData(await b.call('GET', '/api/data?type=contacts'))
    const first = await stamp()
    expectData(await b.call('GET', '/api/data?type=contacts'))
    expect(await stamp()).toEqual(first)
    // As if the last use were two minutes ago: the next use slides the expiry and stamps the use.
    await app.t.admin.query(
      `update sessions set last_seen_at = last_seen_at - interval '2 minutes', expires_at = expires_at - interval '2 minutes' where token_hash = $1`,
      [hashSecret(b.cookie!)],
    )
    expectData(await b.call('GET', '/api/data?type=contacts'))
    const later = await stamp()
    expect(later.expires_at.getTime()).toBeGreaterThan(first.expires_at.getTime() - 1000)
    expect(later.last_seen_at.getTime()).toBeGreaterThan(first.last_seen_at.getTime() - 1000)
  })

  it("the browser's cookie slides too: each use sets it again for 30 days", async () => {
    await addUser(app, 'daily@sparkle.test')
    const b = await signIn(app, 'daily@sparkle.test')
    const cookie = b.cookie!
    const res = await b.call('GET', '/api/data?type=contacts')
    const set = res.headers.getSetCookie().filter((c) => c.startsWith('crm_session='))
    expect(set).toHaveLength(1)
    expect(set[0].startsWith(`crm_session=${encodeURIComponent(cookie)};`)).toBe(true)
    expect(set[0].toLowerCase()).toContain(`max-age=${30 * 24 * 60 * 60}`)
    expect(b.cookie).toBe(cookie)
  })

  it('an expired session is refused', async () => {
    await addUser(app, 'expired@sparkle.test')
    const b = await signIn(app, 'expired@sparkle.test')
    await app.t.admin.query(`update sessions set expires_at = now() - interval '1 minute' where token_hash = $1`, [hashSecret(b.cookie!)])
    expectError(await b.call('GET', '/auth/session'), 401, 'UNAUTHENTICATED')
    expectError(await b.call('GET', '/api/data?type=contacts'), 401, 'UNAUTHENTICATED')
  })

  it('a bearer token on the same request wins, and needs no CSRF token', async () => {
    const b = await signIn(app, 'owner@sparkle.test')
    const created = expectData(
      await b.call('POST', '/api/actions', create('Bearer Wins'), { authorization: `Bearer ${app.tenant.agent_token}` }),
    )
    const read = expectData(await app.query({ type: 'contacts', id: created.id, include: 'audit_trail' }))
    expect(read.audit_trail[0].actor_type).toBe('agent')
  })
})
