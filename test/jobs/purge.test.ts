import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runJobsOnce } from '../../core/jobs/worker.js'
import { purgeExpiredCredentials } from '../../core/jobs/purge.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'

const DAY = 24 * 60 * 60 * 1000

describe.each(engines)('removing dead credentials (%s)', (engine) => {
  let app: TestApp
  let clock = new Date('2026-06-10T12:00:00Z')
  let tenants: string[]

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock, integrations: { stripe: null } })
    tenants = [app.tenant.tenant_id, (await app.createTenant('Second Windows')).tenant_id]
    await app.t.admin.query(
      `insert into oauth_clients (client_id, source, client_name, redirect_uris) values ('purge-test', 'registered', 'App', '{https://app.example/cb}')`,
    )
  })
  afterAll(() => app.close())

  const at = (ms: number) => new Date(clock.getTime() + ms)
  /** One row of each kind for the business, named by its marker, with the given expiry (or creation time for idempotency keys). */
  async function seed(tenantId: string, marker: string, when: Date) {
    const db = app.t.admin
    const user = (await db.query<{ id: string }>(`select id from users where tenant_id = $1 order by created_at limit 1`, [tenantId]))
      .rows[0].id
    const token = (
      await db.query<{ id: string }>(`select id from agent_tokens where tenant_id = $1 order by created_at limit 1`, [tenantId])
    ).rows[0].id
    await db.query(`insert into magic_links (tenant_id, user_id, token_hash, expires_at) values ($1, $2, $3, $4)`, [
      tenantId,
      user,
      `ml-${marker}`,
      when,
    ])
    await db.query(`insert into sessions (tenant_id, user_id, token_hash, csrf_token, expires_at) values ($1, $2, $3, 'x', $4)`, [
      tenantId,
      user,
      `s-${marker}`,
      when,
    ])
    await db.query(
      `insert into oauth_codes (tenant_id, token_hash, client_id, agent_token_id, user_id, redirect_uri, code_challenge, resource, expires_at)
      values ($1, $2, 'purge-test', $3, $4, 'https://app.example/cb', 'c', 'r', $5)`,
      [tenantId, `oc-${marker}`, token, user, when],
    )
    await db.query(
      `insert into oauth_tokens (tenant_id, agent_token_id, client_id, kind, token_hash, resource, expires_at)
      values ($1, $2, 'purge-test', 'refresh', $3, 'r', $4)`,
      [tenantId, token, `ot-${marker}`, when],
    )
    await db.query(
      `insert into idempotency_keys (tenant_id, principal, key, request_hash, created_at) values ($1, 'agent:x', $2, 'h', $3)`,
      [tenantId, `ik-${marker}`, when],
    )
  }
  /** Which of the markers still have a row of every kind, and which have none. */
  async function left(markers: string[]) {
    const q = async (sql: string, prefix: string) =>
      new Set((await app.t.admin.query<{ k: string }>(sql)).rows.map((r) => r.k.slice(prefix.length)))
    const kinds = [
      await q(`select token_hash as k from magic_links where token_hash like 'ml-%'`, 'ml-'),
      await q(`select token_hash as k from sessions where token_hash like 's-%'`, 's-'),
      await q(`select token_hash as k from oauth_codes where token_hash like 'oc-%'`, 'oc-'),
      await q(`select token_hash as k from oauth_tokens where token_hash like 'ot-%'`, 'ot-'),
      await q(`select key as k from idempotency_keys where key like 'ik-%'`, 'ik-'),
    ]
    return markers.map((m) => kinds.map((k) => k.has(m)))
  }

  it('removes what stopped working days ago in every business, keeps what is live or only just expired, and audits nothing away', async () => {
    const audit = Number((await app.t.admin.query<{ n: string }>('select count(*) as n from audit_log')).rows[0].n)
    for (const [i, tenantId] of tenants.entries()) {
      await seed(tenantId, `old${i}`, at(-3 * DAY))
      await seed(tenantId, `live${i}`, at(DAY / 2))
    }
    // Past its expiry only an hour: a sign-in link and a code are kept a day, a session a week, an idempotency key two days.
    await seed(tenants[0], 'recent', at(-60 * 60 * 1000))
    const ended = tenants[1]
    const user = (await app.t.admin.query<{ id: string }>(`select id from users where tenant_id = $1 limit 1`, [ended])).rows[0].id
    await app.t.admin.query(
      `insert into sessions (tenant_id, user_id, token_hash, csrf_token, expires_at, ended_at) values ($1, $2, 's-signedout', 'x', $3, $4)`,
      [ended, user, at(20 * DAY), at(-8 * DAY)],
    )
    // A rate limit window that ended counts nothing any more; one still open stays.
    for (const [key, ends] of [
      ['ended-window-key-hash', at(-60_000)],
      ['open-window-key-hash', at(60_000)],
    ] as const) {
      await app.t.admin.query(
        `insert into rate_limit_windows (limiter, key_hash, window_start, window_ends, hits) values ('sign-in-link-email', $1, $2, $3, 3)`,
        [key, at(-15 * 60_000), ends],
      )
    }
    const counts = await purgeExpiredCredentials(app.services)
    // Sessions keep a week: the ones 3 days past expiry stay; the one signed out 8 days ago goes.
    expect(counts).toEqual({
      'sign-in links': 2,
      sessions: 1,
      'oauth codes': 2,
      'oauth tokens': 2,
      'idempotency keys': 2,
      'rate limit windows': 1,
      'approval links': 0,
    })
    expect((await app.t.admin.query('select key_hash from rate_limit_windows')).rows).toEqual([{ key_hash: 'open-window-key-hash' }])
    expect(await left(['old0', 'old1', 'live0', 'live1', 'recent', 'signedout'])).toEqual([
      [false, true, false, false, false],
      [false, true, false, false, false],
      [true, true, true, true, true],
      [true, true, true, true, true],
      [true, true, true, true, true],
      [false, false, false, false, false],
    ])
    expect(Number((await app.t.admin.query<{ n: string }>('select count(*) as n from audit_log')).rows[0].n)).toBe(audit)
  })

  it('runs from the worker at most once an hour', async () => {
    clock = at(DAY)
    await runJobsOnce(app.services)
    await seed(tenants[0], 'later', at(-3 * DAY))
    await runJobsOnce(app.services)
    expect((await left(['later']))[0]).toEqual([true, true, true, true, true])
    clock = at(61 * 60 * 1000)
    await runJobsOnce(app.services)
    expect((await left(['later']))[0]).toEqual([false, true, false, false, false])
  })

  it('is for the worker alone: the app role cannot call it', async () => {
    const refused = await app.t.admin.query(
      `select has_function_privilege('crm_app', 'purge_expired_credentials(timestamptz)', 'execute') as ok`,
    )
    expect(refused.rows[0].ok).toBe(false)
  })
})
