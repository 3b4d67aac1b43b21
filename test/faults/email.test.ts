import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatTable } from '../../bench/table.js'
import { resendEmailClient } from '../../core/clients/email.js'
import { idempotencyKeyOf } from '../../core/jobs/deliver.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { asTenant } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'
import { customer, setClock } from '../helpers/delivery-fixtures.js'

/** Resend's default limit, which the fake enforces here as Resend does. */
const PROVIDER_PER_SECOND = 2

/** One row of the figures printed at the end. */
interface Figures {
  run: string
  messages: number
  requests: number
  limited: number
  failed5xx: number
  emails: number
  doubled: number
  seconds: number
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('email delivery against a provider that limits and fails (PostgreSQL)', () => {
  let app: TestApp
  let fake: FakeResend
  let contactId: string
  const figures: Figures[] = []

  /** n messages due now, with their ids. */
  const due = (n: number, label: string) =>
    asTenant(app, async (tx) =>
      (
        await tx.query<{ id: string }>(
          `insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at)
     select $1, $2, 'custom', $3 || ' ' || i, 'Message ' || i, $4 from generate_series(1, $5) i returning id`,
          [app.tenant.tenant_id, contactId, label, new Date(app.services.now().getTime() - 60_000).toISOString(), n],
        )
      ).rows.map((r) => r.id),
    )
  const rows = (ids: string[]) =>
    asTenant(
      app,
      async (tx) =>
        (
          await tx.query<{ id: string; status: string; attempts: number; provider_message_id: string | null }>(
            'select id, status, attempts, provider_message_id from scheduled_messages where id = any($1::uuid[])',
            [ids],
          )
        ).rows,
    )
  const emailsOf = (ids: string[]) => {
    const keys = new Set(ids.map(idempotencyKeyOf))
    return fake.emails.filter((e) => e.idempotencyKey && keys.has(e.idempotencyKey))
  }

  beforeAll(async () => {
    fake = await startFakeResend({ maxPerSecond: PROVIDER_PER_SECOND })
    app = await startTestApp('postgres')
    contactId = await customer(app, 'Jane Smith', 'jane@example.com')
  })
  afterAll(async () => {
    if (figures.length) {
      console.log(
        `\nEmail delivery against a provider limited to ${PROVIDER_PER_SECOND}/s\n${formatTable(
          ['run', 'messages', 'requests', '429 (limit)', '5xx', 'emails', 'doubled', 'seconds'],
          figures.map((f) => [
            f.run,
            String(f.messages),
            String(f.requests),
            String(f.limited),
            String(f.failed5xx),
            String(f.emails),
            String(f.doubled),
            f.seconds.toFixed(1),
          ]),
        )}`,
      )
    }
    await app?.close()
    await fake?.close()
  })

  it("paced at the configured rate (2 per second), a batch of 8 never meets the provider's limit and each message goes once", async () => {
    app.services.email = resendEmailClient({ apiKey: fake.apiKey, from: 'Sparkle <mail@sparkle.test>', baseUrl: fake.url, maxPerSecond: 2 })
    const ids = await due(8, 'Paced')
    const [requests, limited] = [fake.requests, fake.limited]
    const started = Date.now()
    const counts = await deliverDue(app.services, { batchSize: 8 })
    const seconds = (Date.now() - started) / 1000
    const emails = emailsOf(ids)
    figures.push({
      run: 'paced 2/s',
      messages: ids.length,
      requests: fake.requests - requests,
      limited: fake.limited - limited,
      failed5xx: 0,
      emails: emails.length,
      doubled: emails.length - new Set(emails.map((e) => e.idempotencyKey)).size,
      seconds,
    })
    expect(counts.sent).toBe(8)
    expect(fake.limited - limited).toBe(0)
    expect(emails).toHaveLength(8)
    // Eight sends at two per second span three and a half seconds, however many run side by side (less the network's jitter).
    const at = emails.map((e) => e.at).sort((a, b) => a - b)
    expect(at[7] - at[0]).toBeGreaterThanOrEqual(3_000)
    expect((await rows(ids)).every((r) => r.status === 'sent' && r.attempts === 0)).toBe(true)
  })

  it("a 429 puts the message back by the provider's Retry-After without using an attempt; the client holds its sends as long", async () => {
    app.services.email = resendEmailClient({
      apiKey: fake.apiKey,
      from: 'Sparkle <mail@sparkle.test>',
      baseUrl: fake.url,
      maxPerSecond: 20,
    })
    const clock = new Date(Math.floor(Date.now() / 1000) * 1000)
    setClock(app, clock)
    const [id] = await due(1, 'Throttled')
    // The paced run before this one left the provider's limit spent: let it refill, so the one 429 here is the forced one
    // (a 429 from the limit would leave the forced one queued for the next pass).
    await new Promise((r) => setTimeout(r, 1_000))
    const limited = fake.limited
    fake.failNext(429)
    const firstPass = Date.now()
    const counts = await deliverDue(app.services)
    expect(counts.retrying).toBe(1)
    expect(fake.limited).toBe(limited)
    const row = await asTenant(
      app,
      async (tx) =>
        (
          await tx.query<{ status: string; attempts: number; send_at: Date; last_error: string }>(
            'select status, attempts, send_at, last_error from scheduled_messages where id = $1',
            [id],
          )
        ).rows[0],
    )
    expect(row).toMatchObject({ status: 'pending', attempts: 0 })
    expect(row.last_error).toMatch(/Resend answered 429 \(rate_limit_exceeded\)/)
    // The fake says Retry-After: 1.
    expect(new Date(row.send_at).getTime() - clock.getTime()).toBe(1_000)
    setClock(app, new Date(clock.getTime() + 1_000))
    // The client holds its sends for the provider's Retry-After in real time; the next pass starts once that has passed.
    while (Date.now() - firstPass < 1_000) await new Promise((r) => setTimeout(r, 50))
    expect((await deliverDue(app.services)).sent).toBe(1)
    expect(emailsOf([id])).toHaveLength(1)
    // The client held its sends: the next one reached the provider no sooner than a second after the 429.
    expect(emailsOf([id])[0].at - firstPass).toBeGreaterThanOrEqual(1_000)
  })

  it('sending faster than the provider allows, with 429s and 5xx thrown in: retried later, honoring Retry-After, none lost or doubled', async () => {
    app.services.email = resendEmailClient({
      apiKey: fake.apiKey,
      from: 'Sparkle <mail@sparkle.test>',
      baseUrl: fake.url,
      maxPerSecond: 20,
    })
    const ids = await due(12, 'Pushed')
    const [requests, limited] = [fake.requests, fake.limited]
    fake.failNext(429, 2)
    fake.failNext(503, 2)
    fake.failNext(500, 1)
    const started = Date.now()
    let clock = app.services.now()
    // Each round is a worker pass; the clock moves past the longest wait a failure asked for (60 s after a first 5xx).
    for (let round = 0; round < 20; round++) {
      await deliverDue(app.services, { batchSize: 8 })
      const left = (await rows(ids)).filter((r) => r.status !== 'sent')
      if (!left.length) break
      expect(
        left.every((r) => r.status === 'pending'),
        JSON.stringify(left),
      ).toBe(true)
      clock = new Date(clock.getTime() + 61_000)
      setClock(app, clock)
    }
    const seconds = (Date.now() - started) / 1000
    const emails = emailsOf(ids)
    const final = await rows(ids)
    figures.push({
      run: 'pushed 20/s, 429 + 5xx',
      messages: ids.length,
      requests: fake.requests - requests,
      limited: fake.limited - limited,
      failed5xx: 3,
      emails: emails.length,
      doubled: emails.length - new Set(emails.map((e) => e.idempotencyKey)).size,
      seconds,
    })
    expect(final.every((r) => r.status === 'sent')).toBe(true)
    expect(emails).toHaveLength(12)
    expect(new Set(emails.map((e) => e.idempotencyKey)).size).toBe(12)
    for (const r of final) expect(r.provider_message_id).toBe(emails.find((e) => e.idempotencyKey === idempotencyKeyOf(r.id))!.id)
    // The provider's limit was met and answered 429: those messages waited their turn without using an attempt; 5xx used one.
    expect(fake.limited - limited).toBeGreaterThan(0)
    expect(final.filter((r) => r.attempts === 1)).toHaveLength(3)
    expect(final.filter((r) => r.attempts > 1)).toHaveLength(0)
    const audited = await asTenant(
      app,
      async (tx) =>
        (
          await tx.query<{ n: number }>(`select count(*)::int as n from audit_log where entity_id = any($1::uuid[]) and action = 'retry'`, [
            ids,
          ])
        ).rows[0].n,
    )
    expect(audited).toBeGreaterThanOrEqual(5)
  })
})
