import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, type DaemonProcess, missingBalancerBinaries, startHaproxy, startPgBouncer } from '../../bench/balancer-processes.js'
import { formatTable } from '../../bench/table.js'
import { DEFAULT_DATABASE_LIMITS } from '../../core/db/limits.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { idempotencyKeyOf } from '../../core/jobs/deliver.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { freshDatabase } from '../helpers/databases.js'
import { asInspector } from '../helpers/template.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'
import { builtCli } from '../helpers/build.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { type OfficeAnswer, startOfficeTraffic } from './office-traffic.js'
import { until } from './traffic.js'

/** Connections PgBouncer opens to PostgreSQL, for the five processes together (each has a pool of 20 of its own). */
const POOL_SIZE = 8
/** Server connections PgBouncer may be replacing at once after the kill: one per process killed. */
const KILLED_MID_TRANSACTION = 2
/** How often HAProxy asks each server GET /readyz; two misses take a server out. */
const CHECK_INTERVAL_MS = 500
/** After this long past the kill, the balancer must answer every request from the live servers. */
const SETTLED_AFTER_KILL_MS = 3_000
/** The name this test's own direct connections give, so they are not counted among the pooler's. */
const CHECKER = 'crm-many-processes-check'

const skipped = !process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL is unset' : missingBalancerBinaries()

/** A `crm worker` process and what it wrote. */
interface WorkerProcess {
  child: ChildProcess
  output(): string
  exited: Promise<void>
}

describe.skipIf(skipped)(
  `three servers and two workers behind HAProxy and PgBouncer (transaction mode)${skipped ? `: skipped, ${skipped}` : ''}`,
  () => {
    let check: Database
    let dbName: string
    let fake: FakeResend
    let pooler: DaemonProcess
    let balancer: DaemonProcess
    let balancerUrl: string
    const servers: ServerProcess[] = []
    const workers: WorkerProcess[] = []
    let token: string
    let tenantId: string
    let contactIds: string[]
    const figures: string[][] = []

    /** Client backends on the test database other than this test's own: the pooler's connections. */
    const pooledConnections = async () =>
      (
        await check.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where datname = $1 and backend_type = 'client backend' and application_name <> $2`,
          [dbName, CHECKER],
        )
      ).rows[0].n
    const act = async (domain: string, action: string, data: unknown) => {
      const res = await fetch(`${balancerUrl}/api/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ domain, action, data }),
      })
      const body = (await res.json()) as { data: { id: string } }
      expect(res.status, JSON.stringify(body)).toBe(200)
      return body.data
    }

    beforeAll(async () => {
      const t = await freshDatabase('postgres')
      // The servers and workers connect as the deploy role, through the pooler, as in production.
      const product = new URL(t.url as string)
      dbName = product.pathname.slice(1)
      // The test's own reads of every business's rows, around the servers: as the inspector (databases.ts, admin).
      const direct = new URL(asInspector(process.env.TEST_DATABASE_URL as string, dbName))
      direct.searchParams.set('application_name', CHECKER)
      await t.dispose()
      check = openPostgres(direct.toString(), 4)
      fake = await startFakeResend({ latencyMs: 20 })
      const created = await createTenant(check, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })
      token = created.agent_token
      tenantId = created.tenant_id
      contactIds = (
        await check.query<{ id: string }>(
          `insert into contacts (tenant_id, display_name, emails)
           select $1, 'Customer ' || i, jsonb_build_array(jsonb_build_object('value', 'customer' || i || '@example.com', 'label', 'home', 'primary', true))
           from generate_series(1, 12) i returning id`,
          [tenantId],
        )
      ).rows.map((r) => r.id)

      pooler = await startPgBouncer(
        {
          listenPort: await freePort(),
          alias: 'crm',
          host: product.hostname,
          port: Number(product.port || 5432),
          dbname: dbName,
          poolSize: POOL_SIZE,
          maxClientConnections: 200,
          authType: 'trust',
          limits: DEFAULT_DATABASE_LIMITS,
        },
        decodeURIComponent(product.username),
      )
      const pooled = new URL(product.toString())
      pooled.hostname = '127.0.0.1'
      pooled.port = String(pooler.port)
      pooled.pathname = '/crm'
      const balancerPort = await freePort()
      balancerUrl = `http://127.0.0.1:${balancerPort}`
      const env = {
        DATABASE_URL: pooled.toString(),
        // PgBouncer 1.18 in transaction mode cannot keep a connection's prepared statements.
        CRM_DB_PREPARED_STATEMENTS: 'off',
        CRM_WORKER: 'off',
        PUBLIC_BASE_URL: balancerUrl,
        TRUST_PROXY: 'loopback',
        RESEND_API_KEY: fake.apiKey,
        RESEND_BASE_URL: fake.url,
        RESEND_MAX_PER_SECOND: '10',
        EMAIL_FROM: 'Sparkle <mail@sparkle.test>',
        LOG_LEVEL: 'warn',
      }
      servers.push(...(await Promise.all([1, 2, 3].map(() => startServerProcess(env)))))
      balancer = await startHaproxy({
        listenPort: balancerPort,
        servers: servers.map((s, i) => ({ name: `crm${i + 1}`, host: '127.0.0.1', port: Number(new URL(s.url).port) })),
        checkIntervalMs: CHECK_INTERVAL_MS,
      })
      await until(
        'the balancer to find the servers ready',
        async () => (await fetch(`${balancerUrl}/readyz`).catch(() => null))?.status === 200,
        20_000,
        100,
      )
      for (let i = 0; i < 2; i++) {
        const child = spawn(process.execPath, [builtCli, 'worker', '--lease-seconds', '3', '--batch-size', '4'], {
          env: { PATH: process.env.PATH, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let out = ''
        child.stdout!.on('data', (d) => (out += d))
        child.stderr!.on('data', (d) => (out += d))
        workers.push({ child, output: () => out, exited: new Promise((resolve) => child.once('close', () => resolve())) })
      }
    })

    afterAll(async () => {
      if (figures.length) console.log(`\nMany processes behind HAProxy and PgBouncer\n${formatTable(['what', 'figure'], figures)}`)
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM')
      await Promise.all(workers.map((w) => w.exited))
      await Promise.all(servers.map((s) => s.stop()))
      await balancer?.stop()
      await pooler?.stop()
      await fake?.close()
      await check?.close()
    })

    it('the sixth sign-in link for one address is refused whichever server takes it, and a session made on one server works on all', async () => {
      const ask = (url: string) =>
        fetch(`${url}/auth/magic-link`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'owner@sparkle.test' }),
        })
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) statuses.push((await ask(servers[i % 3].url)).status)
      expect(statuses).toEqual([200, 200, 200, 200, 200])
      // The sixth, at each server in turn and through the balancer: refused by all, the count being shared.
      for (const url of [...servers.map((s) => s.url), balancerUrl]) expect((await ask(url)).status).toBe(429)

      const links = () => fake.emails.filter((e) => e.to.includes('owner@sparkle.test'))
      await until('five sign-in emails', () => links().length >= 5, 15_000)
      expect(links()).toHaveLength(5)
      const secret = /token=([A-Za-z0-9_-]+)/.exec(links()[4].text ?? '')![1]
      const signedIn = await fetch(`${servers[0].url}/auth/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: secret }).toString(),
        redirect: 'manual',
      })
      expect(signedIn.status).toBe(303)
      const cookie = signedIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .find((c) => c.startsWith('crm_session='))
      expect(cookie).toBeDefined()
      for (const url of [...servers.map((s) => s.url), balancerUrl]) {
        const res = await fetch(`${url}/auth/session`, { headers: { cookie: cookie! } })
        expect(res.status, url).toBe(200)
        expect(((await res.json()) as { data: { tenant_id: string } }).data.tenant_id).toBe(tenantId)
      }
    })

    it('killing a server and a worker under load loses no acknowledged write, half-writes nothing and sends no email twice', async () => {
      const service = await act('service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 12_000 })
      const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)
      const values = { token, contactIds, names: ['Customer 3', 'Customer 7'], serviceId: service.id, day }
      const messageIds = (
        await check.query<{ id: string }>(
          `insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at)
           select $1, ($2::uuid[])[1 + i % cardinality($2::uuid[])], 'custom', 'Reminder ' || i, 'Message ' || i, now() - interval '1 minute'
           from generate_series(1, 60) i returning id`,
          [tenantId, contactIds],
        )
      ).rows.map((r) => r.id)
      const workerEmails = () => {
        const keys = new Set(messageIds.map(idempotencyKeyOf))
        return fake.emails.filter((e) => e.idempotencyKey && keys.has(e.idempotencyKey))
      }

      let peakConnections = 0
      let sampling = true
      const sampler = (async () => {
        while (sampling) {
          peakConnections = Math.max(peakConnections, await pooledConnections())
          await new Promise((r) => setTimeout(r, 100))
        }
      })()
      const victim = servers[1]
      const sentAt = Date.now()
      const viaBalancer = startOfficeTraffic(balancerUrl, values, 6, 15_000, 'b')
      const atVictim = startOfficeTraffic(victim.url, values, 2, 15_000, 'v')
      await until('the workers to be sending', () => workerEmails().length >= 8, 30_000)
      await until('load for two seconds', () => Date.now() - sentAt > 2_000, 10_000)
      const killedAt = Date.now()
      victim.child.kill('SIGKILL')
      workers[0].child.kill('SIGKILL')
      const leasedAtKill = (
        await check.query<{ n: number }>(
          `select count(*)::int as n from scheduled_messages where id = any($1) and status = 'pending' and lease_token is not null`,
          [messageIds],
        )
      ).rows[0].n
      // The victim's clients go on until one of them meets the dead server: answers it wrote just before the kill may
      // still be read as successes, and stopping at once could then stop its traffic before any request saw the kill.
      await until('a request to the killed server to fail', () => atVictim.answers.some((a) => a.status === 0), 10_000)
      const victimAnswers = await atVictim.stop()
      await until('load on the live servers', () => Date.now() - killedAt > SETTLED_AFTER_KILL_MS + 2_000, 20_000)
      const answers = await viaBalancer.stop()
      await until(
        'every message sent by the live worker',
        async () =>
          (
            await check.query<{ n: number }>(`select count(*)::int as n from scheduled_messages where id = any($1) and status <> 'sent'`, [
              messageIds,
            ])
          ).rows[0].n === 0,
        45_000,
        250,
      )
      sampling = false
      await sampler

      // The kill was seen: the victim's requests in flight failed as connections, never as a half answer.
      const victimFailures = victimAnswers.filter((a) => a.status === 0)
      expect(victimFailures.length).toBeGreaterThan(0)
      expect(victimAnswers.filter((a) => a.status !== 0 && (a.status < 200 || a.status > 299))).toEqual([])
      // Through the balancer: answers, the balancer's own 5xx for what the dead server held, or a failed connection.
      const wrong = answers.filter((a) => !(a.status >= 200 && a.status < 300) && ![0, 502, 503, 504].includes(a.status))
      expect(wrong).toEqual([])
      const late = answers.filter((a) => a.at - killedAt > SETTLED_AFTER_KILL_MS && !(a.status >= 200 && a.status < 300))
      expect(late, 'the balancer routes to the live servers once the dead one is out').toEqual([])
      expect(answers.filter((a) => a.at > killedAt && a.status === 200).length).toBeGreaterThan(0)

      // Every acknowledged create is there, read through the balancer and in the database.
      const acked = (kind: OfficeAnswer['kind']) =>
        [...answers, ...victimAnswers].filter((a) => a.kind === kind && a.id).map((a) => a.id as string)
      const contacts = acked('contact.create')
      const tickets = acked('ticket.create')
      expect(contacts.length).toBeGreaterThan(0)
      expect(tickets.length).toBeGreaterThan(0)
      const found = async (table: string, ids: string[]) =>
        (await check.query<{ n: number }>(`select count(*)::int as n from ${table} where id = any($1)`, [ids])).rows[0].n
      expect(await found('contacts', contacts)).toBe(contacts.length)
      expect(await found('tickets', tickets)).toBe(tickets.length)
      for (const id of contacts.slice(-10)) {
        const res = await fetch(`${balancerUrl}/api/data?type=contacts&id=${id}`, { headers: { authorization: `Bearer ${token}` } })
        expect(res.status).toBe(200)
        expect(await res.text()).toContain(id)
      }
      // Nothing half written, acknowledged or not: every visit has its line, every new customer its email.
      const halves = await check.query<{ what: string; n: number }>(
        `select 'visit without its line' as what, count(*)::int as n from tickets t
           where t.tenant_id = $1 and not exists (select 1 from ticket_line_items l where l.ticket_id = t.id)
         union all
         select 'customer without its email', count(*)::int from contacts c
           where c.tenant_id = $1 and c.display_name like 'Office Customer %' and jsonb_array_length(c.emails) = 0`,
        [tenantId],
      )
      expect(halves.rows.filter((r) => r.n > 0)).toEqual([])

      // Each message sent once, by one email whose id the message records. The fake keeps one email per idempotency key,
      // as Resend does; a second email for one message would come under another key, so they are counted by subject.
      const emails = workerEmails()
      const reminders = fake.emails.filter((e) => /Reminder \d+/.test(e.subject))
      expect(reminders).toHaveLength(messageIds.length)
      expect(new Set(reminders.map((e) => e.subject)).size).toBe(messageIds.length)
      expect(emails).toHaveLength(messageIds.length)
      const sent = await check.query<{ id: string; provider_message_id: string }>(
        'select id, provider_message_id from scheduled_messages where id = any($1)',
        [messageIds],
      )
      for (const r of sent.rows) expect(r.provider_message_id).toBe(emails.find((e) => e.idempotencyKey === idempotencyKeyOf(r.id))?.id)

      // PostgreSQL saw the pooler's connections, never the five processes' pools (100). A client killed mid-transaction
      // makes PgBouncer close that server connection; its backend may still be ending while a replacement opens.
      expect(peakConnections).toBeGreaterThan(0)
      expect(peakConnections).toBeLessThanOrEqual(POOL_SIZE + KILLED_MID_TRANSACTION)
      expect(servers.filter((s) => s !== victim).map((s) => s.exit)).toEqual([null, null])
      expect(workers[1].child.exitCode, workers[1].output().slice(-2000)).toBeNull()

      const count = (xs: OfficeAnswer[], f: (a: OfficeAnswer) => boolean) => String(xs.filter(f).length)
      figures.push(
        ['requests through the balancer', String(answers.length)],
        ['  2xx', count(answers, (a) => a.status >= 200 && a.status < 300)],
        ['  5xx from the balancer', count(answers, (a) => a.status >= 500)],
        ['  failed connections', count(answers, (a) => a.status === 0)],
        ['requests straight at the killed server', String(victimAnswers.length)],
        ['  failed as connections at the kill', String(victimFailures.length)],
        ['acknowledged customers / visits, all found', `${contacts.length} / ${tickets.length}`],
        ['messages leased by either worker at the kill', String(leasedAtKill)],
        ['messages / emails / resends deduplicated', `${messageIds.length} / ${emails.length} / ${fake.repeats}`],
        ['peak PostgreSQL connections (pool size)', `${peakConnections} (${POOL_SIZE})`],
      )
    })
  },
)
