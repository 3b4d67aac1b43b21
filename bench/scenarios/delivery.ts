import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from '../../core/db/migrate.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { createTenant } from '../../core/tenants.js'
import { startFakeResend, type FakeResend } from '../fake-resend.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { Scenario } from '../scenario.js'

/** The built CLI, next to this file in dist/. */
const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url))
const WORKERS = 3

/**
 * BENCH_DELIVERY_MESSAGES (default 10,000) due emails of 3 businesses, delivered by three `crm worker --drain`
 * processes to the local fake Resend: messages per second, and messages offered to the provider more than once.
 */
export const delivery: Scenario = {
  name: 'delivery',
  needs: 'postgres',
  async run(settings) {
    const total = Number(process.env.BENCH_DELIVERY_MESSAGES ?? 10_000)
    if (!Number.isInteger(total) || total < 1) throw new Error(`BENCH_DELIVERY_MESSAGES must be a whole number of at least 1, got ${process.env.BENCH_DELIVERY_MESSAGES}`)
    const scratch = await createScratchDatabase(settings.databaseUrl, 'delivery')
    let db: Database | undefined
    let fake: FakeResend | undefined
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-delivery-'))
    try {
      db = openPostgres(scratch.url, 4)
      await migrate(db)
      await seed(db, total)
      fake = await startFakeResend()
      const started = Date.now()
      const runs = await Promise.all(Array.from({ length: WORKERS }, () => runWorker(scratch.url, fake!, join(dataDir, 'data'))))
      const wall = (Date.now() - started) / 1000
      const perWorker = runs.map((r) => r.sent)
      const sent = (await db.query<{ n: number }>(`select count(*)::int as n from scheduled_messages where status = 'sent'`)).rows[0].n
      const distinct = new Set(fake.emails.map((e) => e.idempotencyKey)).size
      const duplicates = fake.repeats + (fake.emails.length - distinct)
      const times = fake.emails.map((e) => e.at)
      const busy = times.length > 1 ? (Math.max(...times) - Math.min(...times)) / 1000 : wall
      const complete = sent === total && distinct === total
      return [
        { measure: 'messages per second', value: (total / busy).toFixed(0),
          note: `${total} messages, ${WORKERS} worker processes (${perWorker.join(' / ')} each), first to last email ${busy.toFixed(1)} s; ${(total / wall).toFixed(0)}/s counting process start (${wall.toFixed(1)} s)` },
        { measure: 'messages sent twice', value: String(duplicates), target: '0', met: duplicates === 0 && complete,
          note: complete ? 'every message marked sent, one email each' : `only ${sent} of ${total} marked sent, ${distinct} emails` },
      ]
    } finally {
      await fake?.close()
      await db?.close()
      await scratch.drop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
}

/** Three businesses, 300 customers, and `total` messages due a minute ago, spread over them. */
async function seed(db: Database, total: number): Promise<void> {
  const tenants: string[] = []
  for (const name of ['Sparkle Windows', 'Clear View', 'Bright Panes']) {
    tenants.push((await createTenant(db, { name, owner_email: `owner@${name.toLowerCase().replace(/\W+/g, '')}.example` })).tenant_id)
  }
  await db.query(`insert into contacts (tenant_id, display_name, emails)
    select t, 'Customer ' || i, jsonb_build_array(jsonb_build_object('value', 'customer' || i || '@example.com', 'primary', true))
    from unnest($1::uuid[]) t, generate_series(1, 100) i`, [tenants])
  await db.query(`insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at)
    select c.tenant_id, c.id, 'custom', 'A note from us', 'Message ' || n, now() - interval '1 minute'
    from generate_series(1, $1) n
    join lateral (select tenant_id, id from contacts order by id offset (n % 300) limit 1) c on true`, [total])
}

/** One `crm worker --drain --json` process against the scratch database and the fake; its counts. */
function runWorker(databaseUrl: string, fake: FakeResend, dataDir: string): Promise<{ sent: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'worker', '--drain', '--json'], {
      env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, CRM_DATA_DIR: dataDir, RESEND_API_KEY: fake.apiKey, RESEND_BASE_URL: fake.url,
        // The fake has no rate limit: the figure is the worker's own throughput, not Resend's default of 2 per second.
        EMAIL_FROM: 'Bench <mail@bench.example>', LOG_LEVEL: 'silent', RESEND_MAX_PER_SECOND: '100000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`crm worker exited ${code}: ${stderr.trim()}`))
      resolve(JSON.parse(stdout) as { sent: number })
    })
  })
}
