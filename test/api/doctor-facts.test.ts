import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../core/db/types.js'
import type { DoctorFacts } from '../../core/monitoring/doctor-facts.js'
import { responseOf, startTestApp, type TestApp } from '../helpers/app.js'
import { bothEngines } from '../helpers/databases.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'

// Both engines: what it checks differs between the engines.

describe.each(bothEngines)('GET /healthz/doctor, the facts crm doctor asks the running server for (%s)', (engine) => {
  let app: TestApp
  let stalled = false
  /** The database, answering nothing while `stalled`. */
  const stallable = (db: Database): Database => {
    const hang = <T>(work: () => Promise<T>): Promise<T> => (stalled ? new Promise<T>(() => {}) : work())
    return {
      ...db,
      engine: db.engine,
      query: (t, p) => hang(() => db.query(t, p)),
      transaction: (fn, s) => hang(() => db.transaction(fn, s)),
    }
  }
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers }).then(responseOf)

  beforeAll(async () => {
    app = await startTestApp(engine, {}, stallable)
  })
  afterAll(async () => {
    stalled = false
    await app.close()
  })

  it("answers the database's version, clock, connections and migrations, the service's state, the settings and what it saw", async () => {
    const before = Date.now()
    const facts = expectData(await get('/healthz/doctor')) as DoctorFacts
    expect(facts.settings).toEqual({
      engine,
      public_base_url: app.url,
      trust_proxy: 'false',
      encryption_key: false,
      backup_key: false,
      metrics_token: false,
    })
    expect(facts.database!.engine).toBe(engine)
    expect(facts.database!.version).toMatch(/^\d+\.\d+/)
    expect(facts.database!.pending_migrations).toEqual([])
    expect(Math.abs(Date.parse(facts.database!.now) - before)).toBeLessThan(5_000)
    if (engine === 'postgres') {
      expect(facts.database!.connections!.used).toBeGreaterThanOrEqual(1)
      expect(facts.database!.connections!.max).toBeGreaterThan(facts.database!.connections!.used)
    } else expect(facts.database!.connections).toBeNull()
    expect(facts.state!.businesses).toBe(1)
    expect(facts.state!.backups.without_verified).toBe(1)
    expect(facts.seen).toEqual({ protocol: 'http', ip: '127.0.0.1', host: '127.0.0.1', remote: '127.0.0.1', proxy_headers: [] })
    expect(facts.probe).toBeNull()
  })

  it('keeps what it saw of a request through a proxy under its probe id, for a direct request to read back once', async () => {
    const id = randomBytes(16).toString('hex')
    const through = await get('/healthz/doctor', {
      'X-Forwarded-For': '198.51.100.7',
      'X-Forwarded-Proto': 'https',
      'X-Crm-Doctor-Probe': id,
    })
    expectError(through, 404, 'NOT_FOUND')
    const facts = expectData(await get(`/healthz/doctor?probe=${id}`)) as DoctorFacts
    // TRUST_PROXY is unset: the proxy's word is not taken, so the server saw plain http from the proxy's address.
    expect(facts.probe).toEqual({
      protocol: 'http',
      ip: '127.0.0.1',
      host: '127.0.0.1',
      remote: '127.0.0.1',
      proxy_headers: ['x-forwarded-for', 'x-forwarded-proto'],
    })
    expect((expectData(await get(`/healthz/doctor?probe=${id}`)) as DoctorFacts).probe).toBeNull()
    // A probe id not of the doctor's making is not kept.
    expectError(await get('/healthz/doctor', { Via: '1.1 proxy', 'X-Crm-Doctor-Probe': 'not-a-probe' }), 404, 'NOT_FOUND')
    expect((expectData(await get('/healthz/doctor?probe=not-a-probe')) as DoctorFacts).probe).toBeNull()
  })

  it('answers what it can while the database does not answer, saying why the rest is missing', async () => {
    app.services.config.readyTimeoutMs = 300
    stalled = true
    try {
      const facts = expectData(await get('/healthz/doctor')) as DoctorFacts
      expect(facts.database).toBeNull()
      expect(facts.state).toBeNull()
      expect(facts.database_error).toBe('the database did not answer within 300 ms')
      expect(facts.settings.engine).toBe(engine)
    } finally {
      stalled = false
      app.services.config.readyTimeoutMs = 2_000
    }
  })
})
