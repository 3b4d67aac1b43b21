import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { idempotencyKeyOf } from '../../core/jobs/deliver.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'
import { builtCli } from '../helpers/build.js'
import { unpackMigratedDataDir } from '../helpers/migrated-data-dir.js'
import { removeFolder } from '../helpers/temp-folders.js'

/** The CLI as built once for the run by the global setup. */
const cliScript = () => builtCli

/** Runs `crm worker ...args` to its end with exactly this environment (plus PATH). */
async function runWorker(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliScript(), 'worker', ...args], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

describe('crm worker on the embedded database', () => {
  let fake: FakeResend
  let dataDir: string
  let ids: string[]
  beforeAll(async () => {
    fake = await startFakeResend()
    // Migrated already: the worker's start on a new folder is not what this file tests.
    dataDir = unpackMigratedDataDir(join(mkdtempSync(join(tmpdir(), 'crm-worker-pglite-')), 'data'))
    const db = await openPglite(dataDir)
    try {
      await migrate(db)
      const tenantId = (await createTenant(db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })).tenant_id
      const contact = await db.query<{ id: string }>(
        `insert into contacts (tenant_id, display_name, emails)
        values ($1, 'Jane', '[{"value": "jane@example.com", "primary": true}]') returning id`,
        [tenantId],
      )
      ids = (
        await db.query<{ id: string }>(
          `insert into scheduled_messages (tenant_id, contact_id, kind, body, send_at)
        select $1, $2, 'custom', 'Embedded ' || i, now() - interval '1 minute' from generate_series(1, 2) i returning id`,
          [tenantId, contact.rows[0].id],
        )
      ).rows.map((r) => r.id)
    } finally {
      await db.close()
    }
  })
  afterAll(async () => {
    await fake?.close()
    if (dataDir) removeFolder(dirname(dataDir))
  })

  it('a wrong option exits 2 naming it, before touching the data', async () => {
    const run = await runWorker({ CRM_DATA_DIR: dataDir }, '--drain', '--batch-size', '0')
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^crm worker: --batch-size must be a whole number of at least 1, got 0/)
  })

  it('--drain sends what is due and exits; with no RESEND_API_KEY the emails go to the outbox', async () => {
    const sent = await runWorker(
      { CRM_DATA_DIR: dataDir, RESEND_API_KEY: fake.apiKey, RESEND_BASE_URL: fake.url },
      '--drain',
      '--batch-size',
      '1',
    )
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stdout.trim()).toBe('Delivered what was due: 2 sent, 0 to retry later, 0 failed, 0 cancelled.')
    expect(fake.emails.map((e) => e.idempotencyKey).sort()).toEqual(ids.map(idempotencyKeyOf).sort())
    const db = await openPglite(dataDir)
    try {
      const contact = await db.query<{ contact_id: string; tenant_id: string }>(
        'select tenant_id, contact_id from scheduled_messages limit 1',
      )
      await db.query(
        `insert into scheduled_messages (tenant_id, contact_id, kind, body, send_at) values ($1, $2, 'custom', 'Kept', now() - interval '1 minute')`,
        [contact.rows[0].tenant_id, contact.rows[0].contact_id],
      )
    } finally {
      await db.close()
    }
    const kept = await runWorker({ CRM_DATA_DIR: dataDir }, '--drain', '--json')
    expect(JSON.parse(kept.stdout)).toMatchObject({ sent: 1, failed: 0 })
    const after = await openPglite(dataDir)
    try {
      const outbox = await after.query<{ text_body: string }>('select text_body from email_outbox')
      expect(outbox.rows.map((r) => r.text_body.includes('Kept'))).toEqual([true])
    } finally {
      await after.close()
    }
    expect(fake.emails).toHaveLength(2)
  }, 60_000)

  it('without --drain it keeps sending until SIGTERM, then says what it did', async () => {
    const db = await openPglite(dataDir)
    try {
      await db.query(`insert into scheduled_messages (tenant_id, contact_id, kind, body, send_at)
        select tenant_id, contact_id, 'custom', 'Long-running', now() - interval '1 minute' from scheduled_messages limit 1`)
    } finally {
      await db.close()
    }
    const child = spawn(process.execPath, [cliScript(), 'worker'], {
      env: { PATH: process.env.PATH, CRM_DATA_DIR: dataDir, RESEND_API_KEY: fake.apiKey, RESEND_BASE_URL: fake.url, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (d) => (stdout += d))
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    await expect.poll(() => fake.emails.filter((e) => e.text?.includes('Long-running')).length, { timeout: 30_000 }).toBe(1)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const lines = stdout.trim().split('\n')
    expect(JSON.parse(lines[0]).msg).toMatch(/^worker started/)
    expect(lines.at(-1)).toBe('Stopped: 1 sent, 0 to retry later, 0 failed, 0 cancelled.')
  }, 60_000)
})

/** A running `crm worker` process and what it printed once it ends. */
interface WorkerProcess {
  child: ChildProcess
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
}

// Only PostgreSQL lets several processes share one database; PGlite is single-process by design.
describe.skipIf(!process.env.TEST_DATABASE_URL)('crm worker processes on one PostgreSQL', () => {
  let script: string
  let t: TestDatabase
  let fake: FakeResend
  let tenantId: string
  let contactIds: string[]

  const worker = (...args: string[]): WorkerProcess => {
    const child = spawn(process.execPath, [script, 'worker', ...args], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: t.url,
        CRM_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'crm-worker-')), 'data'),
        RESEND_API_KEY: fake.apiKey,
        RESEND_BASE_URL: fake.url,
        EMAIL_FROM: 'Sparkle <mail@sparkle.test>',
        LOG_LEVEL: 'silent',
        // The fake has no rate limit; at Resend's default of 2 per second 300 messages would take most of a minute.
        RESEND_MAX_PER_SECOND: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d) => (stdout += d))
    child.stderr!.on('data', (d) => (stderr += d))
    return { child, done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))) }
  }
  const dueMessages = async (n: number): Promise<string[]> =>
    (
      await t.admin.query<{ id: string }>(
        `insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at)
     select $1, ($2::uuid[])[1 + i % cardinality($2::uuid[])], 'custom', 'Note ' || i, 'Message number ' || i, now() - interval '1 minute'
     from generate_series(1, $3) i returning id`,
        [tenantId, contactIds, n],
      )
    ).rows.map((r) => r.id)
  const statuses = async (ids: string[]) =>
    (
      await t.admin.query<{ status: string; n: number }>(
        'select status, count(*)::int as n from scheduled_messages where id = any($1::uuid[]) group by status',
        [ids],
      )
    ).rows

  beforeAll(async () => {
    script = cliScript()
    t = await freshDatabase('postgres')
    fake = await startFakeResend({ latencyMs: 15 })
    tenantId = (await createTenant(t.db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })).tenant_id
    contactIds = (
      await t.admin.query<{ id: string }>(
        `insert into contacts (tenant_id, display_name, emails)
      select $1, 'Customer ' || i, jsonb_build_array(jsonb_build_object('value', 'customer' || i || '@example.com', 'primary', true))
      from generate_series(1, 20) i returning id`,
        [tenantId],
      )
    ).rows.map((r) => r.id)
  })
  afterAll(async () => {
    await fake?.close()
    await t?.dispose()
  })

  it('three processes drain 300 due messages together, sending each exactly once', async () => {
    const ids = await dueMessages(300)
    const requestsBefore = fake.requests
    const runs = await Promise.all(
      [worker('--drain', '--json'), worker('--drain', '--json'), worker('--drain', '--json')].map((w) => w.done),
    )
    for (const run of runs) expect(run.code, run.stderr).toBe(0)
    const counts = runs.map((run) => JSON.parse(run.stdout))
    expect(counts.reduce((sum, c) => sum + c.sent, 0)).toBe(300)
    expect(counts.filter((c) => c.sent > 0).length, JSON.stringify(counts)).toBeGreaterThanOrEqual(2)
    expect(counts.every((c) => c.failed === 0 && c.retrying === 0 && c.lost === 0)).toBe(true)
    // Not one message was even offered to the provider twice.
    expect(fake.requests - requestsBefore).toBe(300)
    const keys = new Set(ids.map(idempotencyKeyOf))
    const emailed = fake.emails.filter((e) => e.idempotencyKey && keys.has(e.idempotencyKey))
    expect(emailed).toHaveLength(300)
    expect(new Set(emailed.map((e) => e.idempotencyKey)).size).toBe(300)
    expect(await statuses(ids)).toEqual([{ status: 'sent', n: 300 }])
    const marked = await t.admin.query<{ n: number }>(
      `select count(distinct provider_message_id)::int as n from scheduled_messages where id = any($1::uuid[])`,
      [ids],
    )
    expect(marked.rows[0].n).toBe(300)
  }, 120_000)

  it('a worker killed after the provider took the email leaves it leased; after the lease the next worker completes it with one email', async () => {
    const [id] = await dueMessages(1)
    const key = idempotencyKeyOf(id)
    fake.hang = true
    const doomed = worker('--drain', '--lease-seconds', '600')
    await expect.poll(() => fake.emails.filter((e) => e.idempotencyKey === key).length, { timeout: 30_000 }).toBe(1)
    doomed.child.kill('SIGKILL')
    expect((await doomed.done).signal).toBe('SIGKILL')
    fake.hang = false
    const leased = await t.admin.query('select status, lease_token from scheduled_messages where id = $1', [id])
    expect(leased.rows[0].status).toBe('pending')
    expect(leased.rows[0].lease_token).not.toBeNull()
    // While the lease holds, another worker leaves it alone.
    const early = await worker('--drain', '--json').done
    expect(JSON.parse(early.stdout).sent).toBe(0)
    // The lease runs out: moved to now rather than waited for, so a slow machine can neither outwait it early nor stall here.
    await t.admin.query(`update scheduled_messages set lease_until = now() where id = $1`, [id])
    const late = await worker('--drain', '--json').done
    expect(JSON.parse(late.stdout).sent).toBe(1)
    expect(fake.emails.filter((e) => e.idempotencyKey === key)).toHaveLength(1)
    const row = await t.admin.query('select status, provider_message_id from scheduled_messages where id = $1', [id])
    expect(row.rows[0]).toEqual({ status: 'sent', provider_message_id: fake.emails.find((e) => e.idempotencyKey === key)!.id })
  }, 120_000)
})
