import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'

describe.each(engines)('a database outage under a running server (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
    expectData(await app.action('contact', 'create', { display_name: 'Before The Outage' }))
    expect(expectData(await app.query({ type: 'contacts' })).items).toHaveLength(1)
    await app.services.db.close()
  })
  afterAll(async () => {
    // The database is already closed, so disposing it fails; the server database is dropped here instead.
    await app.close().catch(() => {})
    if (app.t.url) {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
      await admin.connect()
      await admin.query(`drop database if exists ${new URL(app.t.url).pathname.slice(1)} with (force)`)
      await admin.end()
    }
  })

  it('GET /api/data answers 503 UNAVAILABLE, never an empty list', async () => {
    const res = await app.query({ type: 'contacts' })
    expectError(res, 503, 'UNAVAILABLE')
    expect(res.body.error!.message).toMatch(/database/i)
    // Clients and proxies are told when trying again makes sense.
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('POST /api/actions answers 503 UNAVAILABLE', async () => {
    expectError(await app.action('contact', 'create', { display_name: 'During The Outage' }), 503, 'UNAVAILABLE')
  })

  it('GET /readyz answers 503 while GET /healthz still answers', async () => {
    expectError(await app.call('GET', '/readyz', undefined, { authorization: '' }), 503, 'UNAVAILABLE')
    expectData(await app.call('GET', '/healthz', undefined, { authorization: '' }))
  })

  it('sign-in answers 503 too', async () => {
    expectError(await app.call('POST', '/auth/magic-link', { email: 'owner@sparkle.test' }, { authorization: '' }), 503, 'UNAVAILABLE')
  })
})
