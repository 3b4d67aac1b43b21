import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readMigrations } from '../../core/db/migrate.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'

describe.each(engines)('health checks (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('GET /healthz answers without credentials', async () => {
    expect(expectData(await app.call('GET', '/healthz', undefined, { authorization: '' }))).toEqual({ status: 'ok' })
  })

  it('GET /readyz is ready when the database answers and every migration is applied', async () => {
    expect(expectData(await app.call('GET', '/readyz', undefined, { authorization: '' }))).toEqual({ status: 'ready', database: engine })
  })

  it('GET /readyz is 503 naming a migration that is not applied', async () => {
    const last = readMigrations().at(-1)!
    const row = (await app.t.admin.query('select * from schema_migrations where version = $1', [last.version])).rows[0]
    await app.t.admin.query('delete from schema_migrations where version = $1', [last.version])
    try {
      const res = await app.call('GET', '/readyz', undefined, { authorization: '' })
      expectError(res, 503, 'UNAVAILABLE')
      expect(res.body.error!.message).toContain(last.name)
    } finally {
      await app.t.admin.query('insert into schema_migrations (version, name, checksum, applied_at) values ($1, $2, $3, $4)', [
        row.version,
        row.name,
        row.checksum,
        row.applied_at,
      ])
    }
    expectData(await app.call('GET', '/readyz', undefined, { authorization: '' }))
  })
})

describe('health checks while a slow statement runs (PGlite in its thread, as the server runs it)', () => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp('pglite-thread')
  })
  afterAll(() => app.close())

  it('GET /healthz answers before the slow statement ends; a request that needs the database is answered after it, correctly', async () => {
    const order: string[] = []
    const slow = app.t.admin.query('select pg_sleep(3)').then(() => order.push('slow statement'))
    const health = app.call('GET', '/healthz', undefined, { authorization: '' }).then((res) => {
      order.push('healthz')
      return res
    })
    const contacts = app.query({ type: 'contacts' }).then((res) => {
      order.push('contacts')
      return res
    })
    const [, healthRes, contactsRes] = await Promise.all([slow, health, contacts])
    expect(expectData(healthRes)).toEqual({ status: 'ok' })
    expect(contactsRes.status).toBe(200)
    expect(order).toEqual(['healthz', 'slow statement', 'contacts'])
  })
})
