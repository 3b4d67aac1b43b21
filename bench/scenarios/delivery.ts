import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate } from '../../core/db/migrate.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { startFakeResend, type FakeResend } from '../fake-resend.js'
import { drainWorker } from '../drain-worker.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'

const WORKERS = 3
/** Resend's default limit, which the limited runs' fake enforces and the workers are configured with. */
const PROVIDER_PER_SECOND = 2
/** The share of requests the fake answers 429 at random in the last run. */
const RANDOM_429_SHARE = 0.2

/** How one run is set up. */
interface RunSetup {
  messages: number
  /** RESEND_MAX_PER_SECOND of every worker. */
  perSecond: number
  /** The fake's limit per second; 0: none. */
  providerLimit: number
  randomShare: number
}

/** What one run measured. */
interface RunResult {
  messages: number
  /** Messages a second from the first email to the last. */
  rate: number
  busySeconds: number
  wallSeconds: number
  /** Rounds of `crm worker --drain` processes it took (a message put back after a 429 may be due after a round ended). */
  rounds: number
  perWorker: number[]
  answered429: number
  /** The most requests the provider received in any 1,000 ms. */
  busiestSecond: number
  lost: number
  sentTwice: number
}

/**
 * Due emails of 3 businesses, delivered by three `crm worker --drain` processes to the local fake Resend: without a
 * limit (BENCH_DELIVERY_MESSAGES, default 10,000), then against Resend's default limit of 2 a second, and against that
 * limit with 20% of requests answered 429 at random (BENCH_DELIVERY_LIMITED_MESSAGES each, default 100: about a minute).
 */
export const delivery: Scenario = {
  name: 'delivery',
  needs: 'postgres',
  async run(settings) {
    const total = wholeNumberOf('BENCH_DELIVERY_MESSAGES', 10_000)
    const limitedTotal = wholeNumberOf('BENCH_DELIVERY_LIMITED_MESSAGES', 100)
    const free = await deliveryRun(settings, { messages: total, perSecond: 100_000, providerLimit: 0, randomShare: 0 })
    const limited = await deliveryRun(settings, {
      messages: limitedTotal,
      perSecond: PROVIDER_PER_SECOND,
      providerLimit: PROVIDER_PER_SECOND,
      randomShare: 0,
    })
    const random = await deliveryRun(settings, {
      messages: limitedTotal,
      perSecond: PROVIDER_PER_SECOND,
      providerLimit: PROVIDER_PER_SECOND,
      randomShare: RANDOM_429_SHARE,
    })
    const how = (r: RunResult) =>
      `${r.messages} messages, ${WORKERS} worker processes (${r.perWorker.join(' / ')} each, ${r.rounds} round(s) of --drain), ` +
      `first to last email ${r.busySeconds.toFixed(1)} s; ${(r.messages / r.wallSeconds).toFixed(1)}/s counting process starts (${r.wallSeconds.toFixed(1)} s)`
    const zero = (measure: string, value: number, note: string): BenchRow => ({
      measure,
      value: String(value),
      target: '0',
      met: value === 0,
      note,
    })
    return [
      {
        measure: 'messages per second',
        value: free.rate.toFixed(0),
        note: `no provider limit (RESEND_MAX_PER_SECOND=100000): ${how(free)}`,
      },
      zero('messages sent twice', free.sentTwice, free.lost ? `${free.lost} lost` : 'every message marked sent, one email each'),
      {
        measure: `messages per second at provider limit ${PROVIDER_PER_SECOND}/s`,
        value: limited.rate.toFixed(2),
        note: `RESEND_MAX_PER_SECOND=${PROVIDER_PER_SECOND} in each worker, the fake refusing a 3rd request within 1,000 ms; ${how(limited)}`,
      },
      {
        measure: '  most requests the provider received in one second',
        value: String(limited.busiestSecond),
        target: `<= ${PROVIDER_PER_SECOND}`,
        met: limited.busiestSecond <= PROVIDER_PER_SECOND,
        note: 'any 1,000 ms, wherever it starts',
      },
      zero('  429 answers received', limited.answered429, 'the workers share one pace through the database'),
      zero('  lost', limited.lost, 'not marked sent, or marked sent without reaching the provider'),
      zero('  sent twice', limited.sentTwice, 'emails the provider received twice, or requests it deduplicated by idempotency key'),
      {
        measure: `messages per second at ${PROVIDER_PER_SECOND}/s with ${RANDOM_429_SHARE * 100}% random 429s`,
        value: random.rate.toFixed(2),
        note: `${random.answered429} answers 429, each holding every worker for its Retry-After (1 s); ${how(random)}`,
      },
      zero('  lost', random.lost, 'not marked sent, or marked sent without reaching the provider'),
      zero('  sent twice', random.sentTwice, 'emails the provider received twice, or requests it deduplicated by idempotency key'),
    ]
  },
}

/** A whole number of at least 1 from the environment, or the default. */
function wholeNumberOf(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got ${process.env[name]}`)
  return n
}

/** One run on a scratch database of its own: seeds the messages, then rounds of worker processes until none is pending. */
async function deliveryRun(settings: BenchSettings, setup: RunSetup): Promise<RunResult> {
  const scratch = await createScratchDatabase(settings.databaseUrl, 'delivery')
  let db: Database | undefined
  let fake: FakeResend | undefined
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-delivery-'))
  try {
    db = openPostgres(scratch.url, 4)
    await migrate(db)
    await seed(db, setup.messages)
    fake = await startFakeResend({ maxPerSecond: setup.providerLimit, randomLimitShare: setup.randomShare, seed: 42 })
    const started = Date.now()
    const perWorker = Array.from({ length: WORKERS }, () => 0)
    let rounds = 0
    const pending = async () =>
      (await db!.query<{ n: number }>(`select count(*)::int as n from scheduled_messages where status = 'pending'`)).rows[0].n
    while (await pending()) {
      if (++rounds > 50) throw new Error(`messages still pending after 50 rounds of ${WORKERS} workers`)
      // A message put back after a 429 waits its Retry-After: a round that found nothing due yet waits for it.
      if (rounds > 1) await new Promise((r) => setTimeout(r, 1000))
      const runs = await Promise.all(perWorker.map(() => runWorker(scratch.url, fake!, join(dataDir, 'data'), setup.perSecond)))
      for (const [i, r] of runs.entries()) perWorker[i] += r.sent
    }
    const wallSeconds = (Date.now() - started) / 1000
    const sent = (await db.query<{ id: string }>(`select id from scheduled_messages where status = 'sent'`)).rows
    const received = new Set(fake.emails.map((e) => e.idempotencyKey))
    const lost = setup.messages - sent.filter((m) => received.has(`scheduled-message-${m.id}`)).length
    const times = fake.emails.map((e) => e.at)
    const busySeconds = times.length > 1 ? (Math.max(...times) - Math.min(...times)) / 1000 : wallSeconds
    const arrivals = fake.log.map((r) => r.at)
    let busiestSecond = 0
    for (let i = 0, from = 0; i < arrivals.length; i++) {
      while (arrivals[from] <= arrivals[i] - 1000) from += 1
      busiestSecond = Math.max(busiestSecond, i - from + 1)
    }
    return {
      // From the first email to the last are one fewer gaps than emails.
      messages: setup.messages,
      rate: (setup.messages - 1) / busySeconds,
      busySeconds,
      wallSeconds,
      rounds,
      perWorker,
      answered429: fake.log.filter((r) => r.status === 429).length,
      busiestSecond,
      lost,
      sentTwice: fake.repeats + (fake.emails.length - received.size),
    }
  } finally {
    await fake?.close()
    await db?.close()
    await scratch.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Three businesses, 300 customers, and `total` messages due a minute ago, spread over them. */
async function seed(db: Database, total: number): Promise<void> {
  const tenants: string[] = []
  for (const name of ['Sparkle Windows', 'Clear View', 'Bright Panes']) {
    tenants.push((await createTenant(db, { name, owner_email: `owner@${name.toLowerCase().replace(/\W+/g, '')}.example` })).tenant_id)
  }
  await db.query(
    `insert into contacts (tenant_id, display_name, emails)
    select t, 'Customer ' || i, jsonb_build_array(jsonb_build_object('value', 'customer' || i || '@example.com', 'primary', true))
    from unnest($1::uuid[]) t, generate_series(1, 100) i`,
    [tenants],
  )
  await db.query(
    `insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at)
    select c.tenant_id, c.id, 'custom', 'A note from us', 'Message ' || n, now() - interval '1 minute'
    from generate_series(1, $1) n
    join lateral (select tenant_id, id from contacts order by id offset (n % 300) limit 1) c on true`,
    [total],
  )
}

/** One `crm worker --drain --json` process against the scratch database and the fake; its counts. */
function runWorker(databaseUrl: string, fake: FakeResend, dataDir: string, perSecond: number): Promise<{ sent: number }> {
  return drainWorker({
    DATABASE_URL: databaseUrl,
    CRM_DATA_DIR: dataDir,
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    EMAIL_FROM: 'Bench <mail@bench.example>',
    RESEND_MAX_PER_SECOND: String(perSecond),
  })
}
