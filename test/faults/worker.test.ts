import { spawn, type ChildProcess } from 'node:child_process'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatTable } from '../../bench/table.js'
import { idempotencyKeyOf } from '../../core/jobs/deliver.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'
import { builtCli } from '../helpers/build.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { until } from './traffic.js'

/** Short database limits, so a fault shows within a test. */
const LIMITS = { CRM_DB_CONNECT_TIMEOUT_MS: '1500', CRM_DB_STATEMENT_TIMEOUT_MS: '2000', CRM_DB_QUERY_TIMEOUT_MS: '2500' }

/** A `crm worker` process and what it has written so far. */
interface WorkerProcess {
  child: ChildProcess
  output(): string
  exit: { code: number | null; signal: NodeJS.Signals | null } | null
  ended: Promise<void>
}

/** One row of the figures printed at the end. */
interface Figures {
  run: string
  messages: number
  emails: number
  doubled: number
  resentDeduplicated: number
  drainS: number
  exit: string
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('the worker under faults (real processes on PostgreSQL)', () => {
  let t: TestDatabase
  let dbName: string
  /** The server's own role, TEST_DATABASE_URL's: only it may end other roles' connections and close the database to them. */
  let admin: pg.Client
  let proxy: TcpProxy
  let fake: FakeResend
  let tenantId: string
  let contactIds: string[]
  const figures: Figures[] = []

  const worker = (env: Record<string, string>, ...args: string[]): WorkerProcess => {
    const viaProxy = new URL(t.url!)
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    const child = spawn(process.execPath, [builtCli, 'worker', ...args], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: viaProxy.toString(),
        RESEND_API_KEY: fake.apiKey,
        RESEND_BASE_URL: fake.url,
        EMAIL_FROM: 'Sparkle <mail@sparkle.test>',
        LOG_LEVEL: 'warn',
        ...LIMITS,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout!.on('data', (d) => (out += d))
    child.stderr!.on('data', (d) => (out += d))
    const w: WorkerProcess = { child, output: () => out, exit: null, ended: Promise.resolve() }
    w.ended = new Promise((resolve) =>
      child.on('close', (code, signal) => {
        w.exit = { code, signal }
        resolve()
      }),
    )
    return w
  }
  const dueMessages = async (n: number, label: string): Promise<string[]> =>
    (
      await t.admin.query<{ id: string }>(
        `insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at)
     select $1, ($2::uuid[])[1 + i % cardinality($2::uuid[])], 'custom', $3 || ' ' || i, 'Message ' || i, now() - interval '1 minute'
     from generate_series(1, $4) i returning id`,
        [tenantId, contactIds, label, n],
      )
    ).rows.map((r) => r.id)
  const rows = async (ids: string[]) =>
    (
      await t.admin.query<{ id: string; status: string; attempts: number; lease_token: string | null; provider_message_id: string | null }>(
        'select id, status, attempts, lease_token, provider_message_id from scheduled_messages where id = any($1::uuid[])',
        [ids],
      )
    ).rows
  const emailsOf = (ids: string[]) => {
    const keys = new Set(ids.map(idempotencyKeyOf))
    return fake.emails.filter((e) => e.idempotencyKey && keys.has(e.idempotencyKey))
  }
  const terminateBackends = async () =>
    (
      await admin.query<{ n: number }>(
        `select count(*)::int as n from (select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()) k`,
        [dbName],
      )
    ).rows[0].n
  /** Every message sent, each by exactly one email whose id the message records. */
  const expectEachSentOnce = async (ids: string[]) => {
    const emails = emailsOf(ids)
    expect(emails).toHaveLength(ids.length)
    expect(new Set(emails.map((e) => e.idempotencyKey)).size).toBe(ids.length)
    for (const r of await rows(ids)) {
      expect(r.status).toBe('sent')
      expect(r.provider_message_id).toBe(emails.find((e) => e.idempotencyKey === idempotencyKeyOf(r.id))!.id)
    }
  }
  const allSent = async (ids: string[]) => (await rows(ids)).every((r) => r.status === 'sent')

  beforeAll(async () => {
    t = await freshDatabase('postgres')
    dbName = new URL(t.url!).pathname.slice(1)
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
    await admin.connect()
    const target = new URL(t.url!)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    fake = await startFakeResend({ latencyMs: 20 })
    tenantId = (await createTenant(t.db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })).tenant_id
    contactIds = (
      await t.admin.query<{ id: string }>(
        `insert into contacts (tenant_id, display_name, emails)
      select $1, 'Customer ' || i, jsonb_build_array(jsonb_build_object('value', 'customer' || i || '@example.com', 'primary', true))
      from generate_series(1, 10) i returning id`,
        [tenantId],
      )
    ).rows.map((r) => r.id)
  })
  afterAll(async () => {
    if (figures.length) {
      console.log(
        `\nWorker faults\n${formatTable(
          ['run', 'messages', 'emails', 'doubled', 'resent (deduplicated)', 'drained s', 'exit'],
          figures.map((f) => [
            f.run,
            String(f.messages),
            String(f.emails),
            String(f.doubled),
            String(f.resentDeduplicated),
            f.drainS.toFixed(1),
            f.exit,
          ]),
        )}`,
      )
    }
    await proxy?.close()
    await fake?.close()
    await admin?.query(`alter database ${dbName} allow_connections true`).catch(() => {})
    await admin?.end()
    await t?.dispose()
  })

  it('terminated connections, a stalled network and refused connections never end the worker; it sends every message once afterwards', async () => {
    const ids = await dueMessages(40, 'Through faults')
    const repeats = fake.repeats
    const w = worker({ RESEND_MAX_PER_SECOND: '5' }, '--lease-seconds', '3', '--batch-size', '4')
    try {
      await until('the first emails', () => emailsOf(ids).length >= 4 || w.exit !== null, 30_000)
      let rounds = 0
      await until(
        'ten rounds of terminated connections',
        async () => {
          if ((await terminateBackends()) > 0) rounds += 1
          return rounds >= 10 || w.exit !== null
        },
        30_000,
        100,
      )
      /** How many times the worker has logged this. */
      const logged = (what: RegExp) => (w.output().match(new RegExp(what, 'g')) ?? []).length
      const stalled = /Query read timeout|timeout exceeded when trying to connect|Connection terminated due to connection timeout/
      const stalls = logged(stalled)
      proxy.pause()
      await until('the worker to notice the stalled network', () => logged(stalled) > stalls || w.exit !== null, 20_000).finally(() =>
        proxy.resume(),
      )
      const refused = /not currently accepting connections/
      const refusals = logged(refused)
      await admin.query(`alter database ${dbName} allow_connections false`)
      await terminateBackends()
      await until('the worker to notice refused connections', () => logged(refused) > refusals || w.exit !== null, 20_000).finally(() =>
        admin.query(`alter database ${dbName} allow_connections true`),
      )
      const back = Date.now()
      await until('every message sent', async () => w.exit !== null || (await allSent(ids)), 60_000, 200)
      const drainS = (Date.now() - back) / 1000
      expect(w.exit, w.output().slice(-3000)).toBeNull()
      expect(w.output()).not.toMatch(/Unhandled 'error' event/)
      w.child.kill('SIGTERM')
      await w.ended
      const emails = emailsOf(ids)
      figures.push({
        run: 'terminate + stall + refuse',
        messages: ids.length,
        emails: emails.length,
        doubled: emails.length - new Set(emails.map((e) => e.idempotencyKey)).size,
        resentDeduplicated: fake.repeats - repeats,
        drainS,
        exit: `${w.exit!.code ?? w.exit!.signal}`,
      })
      expect(w.exit).toEqual({ code: 0, signal: null })
      await expectEachSentOnce(ids)
      // The database's faults were not the messages': none used up one of its attempts.
      expect((await rows(ids)).filter((r) => r.attempts > 0)).toEqual([])
    } finally {
      if (!w.exit) w.child.kill('SIGKILL')
    }
  })

  it('a worker killed mid-batch loses and doubles nothing: once its leases end, the next worker sends the rest, each once', async () => {
    const ids = await dueMessages(30, 'Killed mid-batch')
    const repeats = fake.repeats
    const doomed = worker({ RESEND_MAX_PER_SECOND: '10' }, '--lease-seconds', '2', '--batch-size', '8')
    await until('the first batch under way', () => emailsOf(ids).length >= 5 || doomed.exit !== null, 30_000, 20)
    doomed.child.kill('SIGKILL')
    await doomed.ended
    expect(doomed.exit!.signal).toBe('SIGKILL')
    const left = await rows(ids)
    // Killed mid-batch: some sent, some still held under the dead worker's lease, none marked twice or lost.
    expect(left.filter((r) => r.status === 'sent').length).toBeLessThan(ids.length)
    expect(left.filter((r) => r.status === 'pending' && r.lease_token !== null).length).toBeGreaterThan(0)
    const killedAt = Date.now()
    const next = worker({ RESEND_MAX_PER_SECOND: '10' }, '--lease-seconds', '2', '--batch-size', '8')
    try {
      await until('every message sent by the next worker', async () => next.exit !== null || (await allSent(ids)), 60_000, 200)
      const drainS = (Date.now() - killedAt) / 1000
      next.child.kill('SIGTERM')
      await next.ended
      const emails = emailsOf(ids)
      figures.push({
        run: 'killed mid-batch (SIGKILL)',
        messages: ids.length,
        emails: emails.length,
        doubled: emails.length - new Set(emails.map((e) => e.idempotencyKey)).size,
        resentDeduplicated: fake.repeats - repeats,
        drainS,
        exit: `${next.exit!.code ?? next.exit!.signal}`,
      })
      expect(next.exit).toEqual({ code: 0, signal: null })
      await expectEachSentOnce(ids)
    } finally {
      if (!next.exit) next.child.kill('SIGKILL')
    }
  })
})
