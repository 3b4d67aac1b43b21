import type { Request } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { operatorMayRead } from '../../api/monitoring/operator-access.js'
import type { Database } from '../../core/db/types.js'
import { customer } from '../helpers/delivery-fixtures.js'
import { responseOf, startTestApp, type TestApp } from '../helpers/app.js'
import { bothEngines } from '../helpers/databases.js'
import { expectError } from '../helpers/envelope-assertions.js'
import { asTenant } from '../helpers/fixtures.js'
import { parseExposition, samplesOf, metricValue, type Exposition } from '../helpers/prometheus-text.js'
import { rawRequest } from '../helpers/raw-http.js'

// Both engines: what it checks differs between the engines.

/**
 * Headers that proxies, balancers and CDNs add, from their documentation: express and the RFCs (Forwarded, X-Forwarded-*,
 * Via), nginx (X-Real-IP), HAProxy (X-Forwarded-For, X-Client-IP with option forwardfor header), Caddy, Akamai and
 * Cloudflare (True-Client-IP, CF-Connecting-IP, CF-IPCountry, CDN-Loop), Fastly (Fastly-Client-IP), Envoy
 * (X-Envoy-External-Address), AWS (X-Amzn-Trace-Id), Azure Front Door (X-Azure-ClientIP), App Engine (X-Appengine-User-IP),
 * Vercel (X-Vercel-Forwarded-For), F5 and others (X-Cluster-Client-IP, Client-IP, Front-End-Https, X-Original-URL).
 */
const PROXY_HEADERS: Array<[string, string]> = [
  ['X-Forwarded-For', '127.0.0.1'],
  ['Forwarded', 'for=127.0.0.1;proto=https'],
  ['X-Forwarded-Host', 'crm.example.com'],
  ['X-Forwarded-Proto', 'https'],
  ['X-Forwarded-Server', 'proxy.example.com'],
  ['X-Forwarded-Port', '443'],
  ['X-Forwarded-Ssl', 'on'],
  ['X-Real-IP', '127.0.0.1'],
  ['Via', '1.1 caddy'],
  ['True-Client-IP', '198.51.100.7'],
  ['CF-Connecting-IP', '198.51.100.7'],
  ['CF-IPCountry', 'US'],
  ['CDN-Loop', 'cloudflare'],
  ['X-Client-IP', '198.51.100.7'],
  ['X-Cluster-Client-IP', '198.51.100.7'],
  ['Client-IP', '198.51.100.7'],
  ['Fastly-Client-IP', '198.51.100.7'],
  ['X-Envoy-External-Address', '198.51.100.7'],
  ['X-Amzn-Trace-Id', 'Root=1-67891233-abcdef012345678912345678'],
  ['X-Azure-ClientIP', '198.51.100.7'],
  ['X-Appengine-User-IP', '198.51.100.7'],
  ['X-Vercel-Forwarded-For', '198.51.100.7'],
  ['Front-End-Https', 'on'],
  ['X-Original-URL', '/metrics'],
]

/** GET /metrics from this machine, as Prometheus beside the server scrapes it; the answer parsed. */
async function scrape(app: TestApp, headers: Record<string, string> = {}): Promise<Exposition & { text: string; contentType: string }> {
  const res = await fetch(`${app.url}/metrics`, { headers })
  const text = await res.text()
  expect(res.status, text).toBe(200)
  return { ...parseExposition(text), text, contentType: res.headers.get('content-type') ?? '' }
}

/**
 * Scrapes until the counts of the requests just answered are in: a request is counted when its response has been handed
 * to the socket, which under load may come after the client already read it and asked for /metrics.
 */
async function scrapeWhen(app: TestApp, ready: (m: Awaited<ReturnType<typeof scrape>>) => boolean) {
  for (let i = 0; ; i++) {
    const m = await scrape(app)
    if (ready(m) || i >= 40) return m
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A backup run of the business, finished `hoursAgo` hours ago, inserted as the backup code records one. */
async function backupRun(app: TestApp, status: 'verified' | 'failed', hoursAgo: number): Promise<void> {
  const finished = new Date(Date.now() - hoursAgo * 3_600_000)
  await app.t.admin.query(
    `insert into backup_runs (business_id, reason, status, started_at, finished_at, file, error)
     values ($1, 'manual', $2, $3, $4, $5, $6)`,
    [
      app.tenant.tenant_id,
      status,
      new Date(finished.getTime() - 60_000),
      finished,
      status === 'verified' ? 'backups/x.crmbackup' : null,
      status === 'failed' ? 'disk full' : null,
    ],
  )
}

describe.each(bothEngines)('GET /metrics (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it("answers Prometheus' text format, every family with its HELP and TYPE, the process's own metrics among them", async () => {
    const m = await scrape(app)
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/)
    for (const family of m.types.keys()) expect(m.help.get(family), family).toBeTruthy()
    expect(m.types.get('process_cpu_user_seconds_total')).toBe('counter')
    expect(m.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge')
    expect(m.types.get('crm_http_request_duration_seconds')).toBe('histogram')
    expect(metricValue(m, 'crm_database_up')).toBe(1)
    expect(metricValue(m, 'crm_businesses')).toBe(1)
    expect(metricValue(m, 'crm_backups_enabled')).toBe(0)
  })

  it('counts a request by its route pattern and status, and times it', async () => {
    expect((await app.query({ type: 'contacts' })).status).toBe(200)
    expect((await app.call('GET', '/API/data?type=contacts')).status).toBe(200)
    const refused = (await app.call('GET', '/api/data?type=no_such_type')).status
    expect(refused).toBeGreaterThanOrEqual(400)
    expect((await fetch(`${app.url}/no/such/page/4711`)).status).toBe(404)
    const m = await scrapeWhen(
      app,
      (x) => (metricValue(x, 'crm_http_request_duration_seconds_count', { method: 'GET', route: '/api/data' }) ?? 0) >= 3,
    )
    expect(metricValue(m, 'crm_http_requests_total', { method: 'GET', route: '/api/data', status: '200' })).toBe(2)
    expect(metricValue(m, 'crm_http_requests_total', { method: 'GET', route: '/api/data', status: String(refused) })).toBe(1)
    expect(metricValue(m, 'crm_http_requests_total', { method: 'GET', route: '(none)', status: '404' })).toBeGreaterThanOrEqual(1)
    expect(metricValue(m, 'crm_http_request_duration_seconds_count', { method: 'GET', route: '/api/data' })).toBe(3)
    expect(metricValue(m, 'crm_http_request_duration_seconds_bucket', { method: 'GET', route: '/api/data', le: '+Inf' })).toBe(3)
    // Paths asked for never become labels: only patterns do (a number alone may appear in any figure).
    expect(m.text).not.toContain('/no/such/page')
    expect(m.text).not.toContain('/API/')
  })

  it("never shows a pay link's secret: the pattern /pay/:secret stands for every one", async () => {
    const secret = 'Zq8xLmN3vB7kTy2WpR4sHd6FgJ1cVb9XnM5aQe0uIoP'
    expect((await fetch(`${app.url}/pay/${secret}`)).status).toBe(404)
    expect((await fetch(`${app.url}/pay/${secret}/invoice.pdf`)).status).toBe(404)
    const m = await scrapeWhen(
      app,
      (x) => (metricValue(x, 'crm_http_requests_total', { method: 'GET', route: '/pay/:secret/invoice.pdf', status: '404' }) ?? 0) >= 1,
    )
    expect(metricValue(m, 'crm_http_requests_total', { method: 'GET', route: '/pay/:secret', status: '404' })).toBe(1)
    expect(metricValue(m, 'crm_http_requests_total', { method: 'GET', route: '/pay/:secret/invoice.pdf', status: '404' })).toBe(1)
    expect(m.text).not.toContain(secret)
    expect(m.text).not.toContain(secret.slice(0, 12))
  })

  it('reports the age of the last verified backup, +Inf while there is none, and the last backup failing', async () => {
    expect(metricValue(await scrape(app), 'crm_backup_last_verified_age_seconds')).toBe(Infinity)
    await backupRun(app, 'verified', 2)
    let m = await scrape(app)
    expect(metricValue(m, 'crm_backup_last_verified_age_seconds')).toBeGreaterThan(2 * 3600 - 5)
    expect(metricValue(m, 'crm_backup_last_verified_age_seconds')).toBeLessThan(2 * 3600 + 60)
    expect(metricValue(m, 'crm_backup_businesses_without_verified')).toBe(0)
    expect(metricValue(m, 'crm_backup_last_failed')).toBe(0)
    await backupRun(app, 'failed', 1)
    m = await scrape(app)
    expect(metricValue(m, 'crm_backup_last_failed')).toBe(1)
    await backupRun(app, 'verified', 0.5)
    m = await scrape(app)
    expect(metricValue(m, 'crm_backup_last_failed')).toBe(0)
    expect(metricValue(m, 'crm_backup_last_verified_age_seconds')).toBeLessThan(0.5 * 3600 + 60)
  })

  it('counts due, held and scheduled emails, and how long the oldest due one waits', async () => {
    const jane = await customer(app, 'Jane Metrics', 'jane.metrics@example.com')
    const now = Date.now()
    await asTenant(app, async (tx) => {
      const insert = `insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at, last_error) values ($1, $2, 'custom', 's', 'b', $3, $4)`
      await tx.query(insert, [app.tenant.tenant_id, jane, new Date(now - 600_000), null])
      await tx.query(insert, [app.tenant.tenant_id, jane, new Date(now - 60_000), null])
      await tx.query(insert, [app.tenant.tenant_id, jane, new Date(now + 60_000), 'Resend answered 429'])
      await tx.query(insert, [app.tenant.tenant_id, jane, new Date(now + 86_400_000), null])
    })
    const m = await scrape(app)
    expect(metricValue(m, 'crm_emails', { state: 'due' })).toBe(2)
    expect(metricValue(m, 'crm_emails', { state: 'held' })).toBe(1)
    expect(metricValue(m, 'crm_emails', { state: 'scheduled' })).toBe(1)
    expect(metricValue(m, 'crm_emails_oldest_due_seconds')).toBeGreaterThanOrEqual(595)
    expect(metricValue(m, 'crm_emails_oldest_due_seconds')).toBeLessThan(700)
  })

  it("reports each integration's accounts, sync lag and failures", async () => {
    const m0 = await scrape(app)
    expect(metricValue(m0, 'crm_integration_accounts', { integration: 'quickbooks', status: 'connected' })).toBe(0)
    expect(samplesOf(m0, 'crm_integration_sync_lag_seconds')).toEqual([])
    const tenant = app.tenant.tenant_id
    await app.t.admin.query(
      `insert into quickbooks_connections (tenant_id, realm_id, access_token, refresh_token, last_sync_at, last_sync_error)
       values ($1, '4620816365', 'v1.sealed', 'v1.sealed', now() - interval '10 minutes', 'QuickBooks answered 503')`,
      [tenant],
    )
    await app.t.admin.query(
      `insert into quickbooks_records (tenant_id, kind, record_id, realm_id, state, error) values ($1, 'invoice', gen_random_uuid(), '4620816365', 'failed', 'Duplicate DocNumber')`,
      [tenant],
    )
    await app.t.admin.query(
      `insert into google_connections (tenant_id, user_id, google_email, access_token, refresh_token, calendar_on, last_sync_at)
       values ($1, $2, 'owner@gmail.test', 'v1.sealed', 'v1.sealed', true, now() - interval '40 seconds')`,
      [tenant, app.tenant.owner_user_id],
    )
    const m = await scrape(app)
    expect(metricValue(m, 'crm_integration_accounts', { integration: 'quickbooks', status: 'connected' })).toBe(1)
    expect(metricValue(m, 'crm_integration_sync_failing', { integration: 'quickbooks' })).toBe(1)
    expect(metricValue(m, 'crm_integration_records_failed', { integration: 'quickbooks' })).toBe(1)
    expect(metricValue(m, 'crm_integration_sync_lag_seconds', { integration: 'quickbooks' })).toBeGreaterThanOrEqual(595)
    expect(metricValue(m, 'crm_integration_sync_lag_seconds', { integration: 'quickbooks' })).toBeLessThan(700)
    expect(metricValue(m, 'crm_integration_accounts', { integration: 'google', status: 'connected' })).toBe(1)
    expect(metricValue(m, 'crm_integration_sync_failing', { integration: 'google' })).toBe(0)
    expect(metricValue(m, 'crm_integration_sync_lag_seconds', { integration: 'google' })).toBeLessThan(120)
    // Aggregates only: no business id in a label.
    expect(m.text).not.toContain(tenant)
  })

  it('reports the database pool where the engine can tell', async () => {
    const m = await scrape(app)
    if (engine === 'postgres') {
      expect(metricValue(m, 'crm_db_pool_max')).toBe(40)
      expect(metricValue(m, 'crm_db_pool_waiting')).toBe(0)
      expect(metricValue(m, 'crm_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1)
    } else {
      // The embedded engine in the test's own thread reports no pool; in its thread, as the server runs it, see below.
      expect(samplesOf(m, 'crm_db_pool_max')).toEqual([])
    }
  })

  describe('who may read it', () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers }).then(responseOf)

    it('a direct loopback connection may; the same through a proxy (any proxy header) is told there is no such path', async () => {
      for (const path of ['/metrics', '/healthz/doctor']) {
        expect((await get(path)).status).toBe(200)
        for (const [name, value] of PROXY_HEADERS) {
          const res = await get(path, { [name]: value })
          expectError(res, 404, 'NOT_FOUND')
          expect(res.body.error.message, name).toBe(`No route GET ${path}`)
        }
      }
    })

    it('a request a TCP relay or a proxy that adds nothing passed on names the public host: refused; Prometheus and crm doctor get in', async () => {
      for (const path of ['/metrics', '/healthz/doctor']) {
        // fetch always names the host it connects to; a relay passes the client's own Host on, exactly as sent.
        expect((await rawRequest(app.url, 'GET', path, { host: 'crm.example.com' })).status).toBe(404)
        const port = new URL(app.url).port
        const scrape = await rawRequest(app.url, 'GET', path, {
          host: `localhost:${port}`,
          'x-prometheus-scrape-timeout-seconds': '10',
          accept: 'text/plain',
          'user-agent': 'Prometheus/2.53.0',
        })
        expect(scrape.status).toBe(200)
      }
    })

    it('CRM_METRICS_TOKEN opens it from anywhere, through a proxy too; a wrong token is refused even from loopback', async () => {
      app.services.config.metricsToken = 'metrics-token-of-this-test-0123456789'
      try {
        const through = { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https' }
        const ok = await fetch(`${app.url}/metrics`, {
          headers: { ...through, Authorization: 'Bearer metrics-token-of-this-test-0123456789' },
        })
        expect(ok.status).toBe(200)
        expect(parseExposition(await ok.text()).types.get('crm_database_up')).toBe('gauge')
        expect((await get('/healthz/doctor', { ...through, Authorization: 'Bearer metrics-token-of-this-test-0123456789' })).status).toBe(
          200,
        )
        expectError(await get('/metrics', { ...through, Authorization: 'Bearer metrics-token-of-this-test-012345678' }), 404, 'NOT_FOUND')
        expectError(await get('/metrics', { Authorization: 'Bearer wrong' }), 404, 'NOT_FOUND')
        expectError(await get('/healthz/doctor', { Authorization: 'Bearer wrong' }), 404, 'NOT_FOUND')
        expectError(await get('/metrics', through), 404, 'NOT_FOUND')
        // From loopback without a proxy, no token is needed even when one is set.
        expect((await get('/metrics')).status).toBe(200)
      } finally {
        app.services.config.metricsToken = undefined
      }
    })
  })
})

describe.each(bothEngines)('GET /metrics while the database does not answer (%s)', (engine) => {
  let app: TestApp
  let stalled = false
  /** The database, answering nothing while `stalled`: as a server on a network that stopped carrying packets. */
  const stallable = (db: Database): Database => {
    const hang = <T>(work: () => Promise<T>): Promise<T> => (stalled ? new Promise<T>(() => {}) : work())
    return {
      ...db,
      engine: db.engine,
      query: (t, p) => hang(() => db.query(t, p)),
      transaction: (fn, s) => hang(() => db.transaction(fn, s)),
    }
  }
  beforeAll(async () => {
    app = await startTestApp(engine, {}, stallable)
    app.services.config.readyTimeoutMs = 300
  })
  afterAll(async () => {
    stalled = false
    await app.close()
  })

  it('still answers within the limit, saying the database is unreachable, without the figures that need it', async () => {
    expect(metricValue(await scrape(app), 'crm_database_up')).toBe(1)
    stalled = true
    const started = Date.now()
    const m = await scrape(app)
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(metricValue(m, 'crm_database_up')).toBe(0)
    expect(metricValue(m, 'crm_database_read_seconds')).toBeGreaterThanOrEqual(0.29)
    expect(samplesOf(m, 'crm_backup_last_verified_age_seconds')).toEqual([])
    expect(samplesOf(m, 'crm_emails')).toEqual([])
    expect(metricValue(m, 'crm_backups_enabled')).toBe(0)
    expect(samplesOf(m, 'crm_http_requests_total').length).toBeGreaterThan(0)
    stalled = false
    expect(metricValue(await scrape(app), 'crm_database_up')).toBe(1)
  })
})

describe('GET /metrics on the embedded engine in its thread, as the server runs it', () => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp('pglite-thread')
  })
  afterAll(() => app.close())

  it('reports its one connection and the statements queued behind the running one', async () => {
    const m = await scrape(app)
    expect(metricValue(m, 'crm_db_pool_max')).toBe(1)
    expect(metricValue(m, 'crm_db_pool_connections', { state: 'busy' }) ?? NaN).toBeGreaterThanOrEqual(0)
    const slow = app.t.admin.query('select pg_sleep(1)')
    const queued = [app.t.admin.query('select 1'), app.t.admin.query('select 2')]
    const during = await scrape(app)
    expect(metricValue(during, 'crm_db_pool_connections', { state: 'busy' })).toBe(1)
    expect(metricValue(during, 'crm_db_pool_waiting')).toBeGreaterThanOrEqual(2)
    await Promise.all([slow, ...queued])
  })
})

describe('the checks of this file', () => {
  it('the parser refuses what Prometheus refuses, and reads its spellings of Inf and NaN', () => {
    const ok =
      '# HELP a_total A.\n# TYPE a_total counter\na_total{route="/pay/:secret",status="200"} 3\n\n# HELP b B.\n# TYPE b gauge\nb +Inf\nb{x="1"} Nan\n'
    const e = parseExposition(ok)
    expect(metricValue(e, 'a_total', { route: '/pay/:secret' })).toBe(3)
    expect(metricValue(e, 'b', { x: '1' })).toBeNaN()
    for (const bad of [
      'a 1\n',
      '# TYPE a countr\na 1\n',
      '# TYPE a gauge\na one\n',
      '# TYPE a gauge\na{x=1} 1\n',
      '# TYPE a gauge\n# TYPE a gauge\n',
      '# TYPE a gauge\na 1 2 3\n',
      '# TYPE a gauge\na 1',
    ])
      expect(() => parseExposition(bad), bad).toThrow()
  })

  it('a connection from elsewhere needs the token; loopback is 127.0.0.0/8 and ::1, also written as IPv6', () => {
    const req = (remoteAddress: string, more: Record<string, string> = {}) => {
      const headers = { host: '127.0.0.1:3000', ...more }
      return { socket: { remoteAddress }, headers, get: (name: string) => headers[name.toLowerCase() as 'host'] } as unknown as Request
    }
    expect(operatorMayRead(req('127.0.0.1'), undefined)).toBe(true)
    expect(operatorMayRead(req('127.8.9.10'), undefined)).toBe(true)
    expect(operatorMayRead(req('::1'), undefined)).toBe(true)
    expect(operatorMayRead(req('::ffff:127.0.0.1'), undefined)).toBe(true)
    expect(operatorMayRead(req('203.0.113.5'), undefined)).toBe(false)
    expect(operatorMayRead(req('::ffff:203.0.113.5'), 'secret-token')).toBe(false)
    expect(operatorMayRead(req('203.0.113.5', { authorization: 'Bearer secret-token' }), 'secret-token')).toBe(true)
    expect(operatorMayRead(req('203.0.113.5', { authorization: 'Bearer secret-token' }), undefined)).toBe(false)
    expect(operatorMayRead(req('127.0.0.1', { via: '1.1 caddy' }), undefined)).toBe(false)
    for (const [name, value] of PROXY_HEADERS) {
      expect(operatorMayRead(req('127.0.0.1', { [name.toLowerCase()]: value }), undefined), name).toBe(false)
    }
    expect(operatorMayRead(req('127.0.0.1', { host: 'crm.example.com' }), undefined)).toBe(false)
    expect(operatorMayRead(req('::1', { host: '[::1]:3000', 'user-agent': 'Prometheus/2.53', accept: 'text/plain' }), undefined)).toBe(true)
  })
})
