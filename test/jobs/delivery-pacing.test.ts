import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emailClientFromConfig, resendEmailClient, resendSenderOf } from '../../core/clients/email.js'
import type { SendPacer } from '../../core/clients/send-pacer.js'
import { createSharedSendPacer } from '../../core/clients/shared-send-pacer.js'
import type { Services } from '../../core/kernel/context.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { idempotencyKeyOf } from '../../core/jobs/deliver.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { setLogLevel, setLogStream } from '../../core/kernel/log.js'
import { asTenant } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { bothEngines } from '../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'
import { customer } from '../helpers/delivery-fixtures.js'

// Both engines: what it checks differs between the engines.

/** The provider's limit in these tests, and the rate every sender is configured with: a few messages take a few seconds. */
const PER_SECOND = 4

describe.each(bothEngines)('delivery by several senders against a provider that limits on %s', (engine) => {
  let app: TestApp
  let fake: FakeResend
  let contactId: string
  /** Three senders as three worker processes would be: each its own connections (one database on the embedded engine) and email client. */
  const senders: Services[] = []
  /** The same three senders, their pacers telling when each turn was asked and came and when each hold was stored. */
  const recordedSenders: Services[] = []
  const turns: Array<{ asked: number; came: number }> = []
  const holdsStored: number[] = []
  const pools: Database[] = []
  const logged: Array<Record<string, any>> = []

  beforeAll(async () => {
    fake = await startFakeResend({ maxPerSecond: PER_SECOND, seed: 7 })
    app = await startTestApp(engine)
    contactId = await customer(app, 'Jane Smith', 'jane@example.com')
    const config = { ...app.services.config, resendApiKey: fake.apiKey, resendBaseUrl: fake.url, resendMaxPerSecond: PER_SECOND }
    for (let i = 0; i < 3; i++) {
      const db = engine === 'postgres' ? openPostgres(app.t.url!, 4) : app.t.db
      if (engine === 'postgres') pools.push(db)
      senders.push({ ...app.services, db, email: emailClientFromConfig(config, db) })
      const shared = createSharedSendPacer(db, { sender: resendSenderOf(fake.apiKey), perSecond: PER_SECOND })
      const pacer: SendPacer = {
        async turn() {
          const asked = Date.now()
          const turn = await shared.turn()
          turns.push({ asked, came: Date.now() })
          return turn
        },
        async holdFor(seconds) {
          await shared.holdFor(seconds)
          holdsStored.push(Date.now())
        },
      }
      const email = resendEmailClient({ apiKey: fake.apiKey, from: config.emailFrom, baseUrl: fake.url, maxPerSecond: PER_SECOND, pacer })
      recordedSenders.push({ ...app.services, db, email })
    }
    const lines = new PassThrough()
    lines.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line))
    })
    setLogStream(lines)
    setLogLevel('warn')
  })
  afterAll(async () => {
    setLogLevel('silent')
    setLogStream(process.stdout)
    await Promise.all(pools.map((db) => db.close()))
    await app?.close()
    await fake?.close()
  })

  /** n messages due a minute ago, with their ids. */
  const due = (n: number, label: string) =>
    asTenant(app, async (tx) =>
      (
        await tx.query<{ id: string }>(
          `insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at)
     select $1, $2, 'custom', $3 || ' ' || i, 'Message ' || i, now() - interval '1 minute' from generate_series(1, $4) i returning id`,
          [app.tenant.tenant_id, contactId, label, n],
        )
      ).rows.map((r) => r.id),
    )
  const rows = (ids: string[]) =>
    asTenant(
      app,
      async (tx) =>
        (
          await tx.query<{
            id: string
            status: string
            attempts: number
            provider_message_id: string | null
            send_at: Date
            last_error: string | null
          }>('select id, status, attempts, provider_message_id, send_at, last_error from scheduled_messages where id = any($1::uuid[])', [
            ids,
          ])
        ).rows,
    )
  const retriesOf = (ids: string[]) =>
    asTenant(
      app,
      async (tx) =>
        (
          await tx.query<{ last_error: string }>(
            `select changes->'last_error'->>'new' as last_error from audit_log where entity_id = any($1::uuid[]) and action = 'retry'`,
            [ids],
          )
        ).rows,
    )
  /** Every sender delivers what is due, side by side, pass after pass, until nothing of `ids` is pending (a put-back message waits its second). */
  const deliverAll = async (ids: string[], by = senders) => {
    const until = Date.now() + 60_000
    while ((await rows(ids)).some((r) => r.status === 'pending')) {
      if (Date.now() > until) throw new Error('messages still pending after a minute')
      await Promise.all(by.map((services) => deliverDue(services, { batchSize: 4 })))
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  /** The provider received each message exactly once, and each row names the email it became. */
  const expectOnceEach = async (ids: string[]) => {
    const keys = ids.map(idempotencyKeyOf)
    const emails = fake.emails.filter((e) => keys.includes(e.idempotencyKey!))
    expect(emails.map((e) => e.idempotencyKey).sort()).toEqual([...keys].sort())
    expect(fake.repeats).toBe(0)
    for (const row of await rows(ids)) {
      expect(row).toMatchObject({ status: 'sent', attempts: 0 })
      expect(row.provider_message_id).toBe(emails.find((e) => e.idempotencyKey === idempotencyKeyOf(row.id))!.id)
    }
  }

  it("three senders at the provider's limit together stay under it: no 429, every message once, no attempt used", async () => {
    const ids = await due(12, 'Paced')
    const [from, limited] = [fake.log.length, fake.limited]
    await deliverAll(ids)
    await expectOnceEach(ids)
    const arrivals = fake.log.slice(from).map((r) => r.at)
    expect(arrivals, JSON.stringify(fake.log.slice(from).map((r) => [r.at - fake.log[from].at, r.status]))).toHaveLength(12)
    // The fake counts like Resend: a request is refused when 4 others came in the 1,000 ms before it. A sender's permit
    // is free again a second after the provider's answer, so none was refused, however late a request travelled.
    expect(fake.limited - limited).toBe(0)
    for (let i = PER_SECOND; i < arrivals.length; i++) expect(arrivals[i] - arrivals[i - PER_SECOND]).toBeGreaterThanOrEqual(1000)
    // Three senders alone would each have sent 4 at once: together the 12 went 4 a second.
    expect(arrivals[11] - arrivals[0]).toBeGreaterThanOrEqual(2000)
  })

  it('429s at random: each holds every sender for its Retry-After and puts its message back without an attempt; none lost, none doubled', async () => {
    const ids = await due(8, 'Unlucky')
    const [from, limited, random] = [fake.log.length, fake.limited, fake.limitedAtRandom]
    fake.randomLimitShare = 0.3
    try {
      await deliverAll(ids, recordedSenders)
    } finally {
      fake.randomLimitShare = 0
    }
    await expectOnceEach(ids)
    const answers = fake.log.slice(from)
    const refused = answers.filter((r) => r.status === 429)
    expect(fake.limitedAtRandom - random).toBeGreaterThan(0)
    expect(refused).toHaveLength(fake.limitedAtRandom - random + fake.limited - limited)
    expect(answers).toHaveLength(8 + refused.length)
    // Retry-After: 1. A turn asked once k holds were stored comes a second or more after the k-th 429 (one of those holds is
    // at least that late), so no sender starts a send within a hold. A send whose turn came before the hold is already on
    // its way and may reach the provider meanwhile: on a busy machine a request can take longer than the gap between two turns.
    expect(holdsStored).toHaveLength(refused.length)
    let held = 0
    for (const turn of turns) {
      const k = holdsStored.filter((at) => at < turn.asked).length
      if (k === 0) continue
      held++
      expect(turn.came, `a turn asked ${turn.asked - refused[k - 1].at} ms after the 429 it waits for`).toBeGreaterThanOrEqual(
        refused[k - 1].at + 1000,
      )
    }
    expect(held, 'turns asked after a hold was stored').toBeGreaterThan(0)
    // Each 429 put one message back, recorded with the provider's answer.
    const retries = await retriesOf(ids)
    expect(retries).toHaveLength(refused.length)
    // The audit keeps what changed: a message put back twice for the same reason names it the first time.
    const reasons = retries.map((r) => r.last_error).filter((e) => e !== null)
    expect(reasons.length).toBeGreaterThan(0)
    for (const reason of reasons) expect(reason).toMatch(/^Resend answered 429 \(rate_limit_exceeded\): Too many requests/)
    expect(
      logged.filter((l) => l.msg === 'Resend answered 429: every send waits out its Retry-After' && l.retry_after_seconds === 1),
    ).toHaveLength(refused.length)
    expect(
      logged.filter((l) => l.msg === 'message held back: the provider asked us to slow down' && ids.includes(l.message_id)),
    ).toHaveLength(refused.length)
  })

  it('a hold longer than a sender waits puts the message off by as long, without calling the provider or using an attempt', async () => {
    const [id] = await due(1, 'Held')
    await createSharedSendPacer(app.t.db, { sender: resendSenderOf(fake.apiKey), perSecond: PER_SECOND }).holdFor(120)
    const requests = fake.requests
    const before = Date.now()
    const counts = await deliverDue(senders[0])
    expect(counts).toMatchObject({ sent: 0, retrying: 1 })
    expect(fake.requests).toBe(requests)
    const [row] = await rows([id])
    expect(row).toMatchObject({ status: 'pending', attempts: 0 })
    expect(row.last_error).toMatch(/^Not sent yet: the next free send turn is 1[12]\d s away/)
    expect(row.send_at.getTime() - before).toBeGreaterThan(110_000)
    expect(logged.some((l) => l.msg === 'message held back: no send turn free soon enough' && l.message_id === id)).toBe(true)
  })
})
