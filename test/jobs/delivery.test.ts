import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outboxEmailClient } from '../../core/clients/email.js'
import { claimDueMessages } from '../../core/jobs/claim.js'
import { deliverMessage, idempotencyKeyOf } from '../../core/jobs/deliver.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { asTenant, made, newTicket } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'
import { auditOf, customer, dueMessage, fakeResendClient, messageRow, setClock } from '../helpers/delivery-fixtures.js'

describe.each(engines)('delivery worker on %s', (engine) => {
  let app: TestApp
  let fake: FakeResend
  let now: Date
  let jane: string
  const emailsFor = (id: string) => fake.emails.filter((e) => e.idempotencyKey === idempotencyKeyOf(id))

  beforeAll(async () => {
    fake = await startFakeResend()
    app = await startTestApp(engine)
    app.services.email = fakeResendClient(fake)
    now = new Date(Math.floor(Date.now() / 1000) * 1000)
    setClock(app, now)
    jane = await customer(app, 'Jane Smith', 'jane@example.com')
  })
  afterAll(async () => {
    await app?.close()
    await fake?.close()
  })

  it('sends every kind of message once, from the business, and marks each sent with the provider id', async () => {
    const ticket = await newTicket(app, jane)
    const invoice = await made(app, 'invoice', 'create', {
      contact_id: jane,
      line_items: [{ description: 'Gutter Cleaning', unit_price_cents: 12_500 }],
    })
    const ids = {
      confirmation: await dueMessage(app, { contact_id: jane, kind: 'confirmation', ticket_id: ticket.id }),
      reminder: await dueMessage(app, { contact_id: jane, kind: 'reminder', ticket_id: ticket.id }),
      follow_up: await dueMessage(app, { contact_id: jane, kind: 'follow_up', ticket_id: ticket.id }),
      reach_out: await dueMessage(app, { contact_id: jane, kind: 'reach_out' }),
      invoice: await dueMessage(app, { contact_id: jane, kind: 'invoice', invoice_id: invoice.id }),
      custom: await dueMessage(app, { contact_id: jane, kind: 'custom', subject: 'Gate code', body: 'The <gate> code is 1234 & thanks' }),
    }
    await deliverDue(app.services)
    for (const [kind, id] of Object.entries(ids)) {
      const sent = emailsFor(id)
      expect(sent, kind).toHaveLength(1)
      expect(sent[0]).toMatchObject({ to: ['jane@example.com'], from: '"Sparkle Windows" <mail@sparkle.test>' })
      expect(sent[0].subject.length, kind).toBeGreaterThan(0)
      expect(sent[0].html, kind).toContain('Sparkle Windows')
      const row = await messageRow(app, id)
      expect(row, kind).toMatchObject({ status: 'sent', attempts: 0, last_error: null, provider_message_id: sent[0].id, lease_token: null })
      expect(new Date(row.sent_at).getTime()).toBe(now.getTime())
      expect(await auditOf(app, id), kind).toEqual([{ action: 'send', actor_type: 'system' }])
    }
    expect(emailsFor(ids.confirmation)[0].text).toContain('Tuesday, March 4, 2031')
    // The customer's one-click answers, made at delivery, are links in the HTML part.
    expect(emailsFor(ids.confirmation)[0].html).toMatch(/<a href="http:\/\/127\.0\.0\.1:\d+\/respond\/[\w-]+"/)
    expect(emailsFor(ids.invoice)[0].text).toContain(`invoice ${invoice.number} for $125.00`)
    expect(emailsFor(ids.custom)[0].subject).toBe('Gate code')
    expect(emailsFor(ids.custom)[0].text).toContain('The <gate> code is 1234 & thanks')
    expect(emailsFor(ids.custom)[0].html).toContain('The &lt;gate&gt; code is 1234 &amp; thanks')
    // A second pass finds nothing more to send.
    const again = await deliverDue(app.services)
    expect(again.sent).toBe(0)
    for (const id of Object.values(ids)) expect(emailsFor(id)).toHaveLength(1)
  })

  it('retries a failing send with growing waits, then marks it failed with the reason', async () => {
    const id = await dueMessage(app, { contact_id: jane, kind: 'custom', body: 'Try me' })
    fake.failNext(500, 5)
    const waits: number[] = []
    let at = now
    for (let attempt = 1; attempt <= 4; attempt++) {
      setClock(app, at)
      await deliverDue(app.services)
      const row = await messageRow(app, id)
      expect(row).toMatchObject({ status: 'pending', attempts: attempt, lease_token: null })
      expect(row.last_error).toMatch(/Resend answered 500 \(internal_server_error\)/)
      waits.push((new Date(row.send_at).getTime() - at.getTime()) / 1000)
      // Not due again until the wait is over.
      setClock(app, new Date(new Date(row.send_at).getTime() - 1000))
      expect((await deliverDue(app.services)).retrying).toBe(0)
      at = new Date(row.send_at)
    }
    expect(waits).toEqual([60, 300, 1800, 7200])
    setClock(app, at)
    await deliverDue(app.services)
    const row = await messageRow(app, id)
    expect(row).toMatchObject({ status: 'failed', attempts: 5 })
    expect(row.last_error).toMatch(/^gave up after 5 attempts; last error: Resend answered 500/)
    expect(emailsFor(id)).toHaveLength(0)
    expect((await auditOf(app, id)).map((a) => a.action)).toEqual(['retry', 'retry', 'retry', 'retry', 'fail'])
    setClock(app, now)
  })

  it('a refusal that retrying cannot fix fails the message at once', async () => {
    const id = await dueMessage(app, { contact_id: jane, kind: 'custom', body: 'Refused' })
    fake.failNext(422)
    await deliverDue(app.services)
    const row = await messageRow(app, id)
    expect(row).toMatchObject({ status: 'failed', attempts: 1 })
    expect(row.last_error).toMatch(/Resend answered 422 \(validation_error\)/)
  })

  it('fails, with the reason, a message to a contact with no email address or one that bounced or complained', async () => {
    const noEmail = await customer(app, 'No Email')
    const bounced = await customer(app, 'Bounced Bob', 'bob@example.com')
    const complained = await customer(app, 'Cross Carl', 'carl@example.com')
    await asTenant(app, async (tx) => {
      await tx.query(`update contacts set email_status = 'bounced' where id = $1`, [bounced])
      await tx.query(`update contacts set email_status = 'complained' where id = $1`, [complained])
    })
    const ids = await Promise.all(
      [noEmail, bounced, complained].map((c) => dueMessage(app, { contact_id: c, kind: 'custom', body: 'Hello' })),
    )
    await deliverDue(app.services)
    const rows = await Promise.all(ids.map((id) => messageRow(app, id)))
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed'])
    expect(rows[0].last_error).toBe('Not sent: the contact has no email address')
    expect(rows[1].last_error).toMatch(/^Not sent: email to bob@example.com bounced before/)
    expect(rows[2].last_error).toMatch(/^Not sent: carl@example.com marked an earlier email as spam/)
    for (const id of ids) expect(emailsFor(id)).toHaveLength(0)
    expect(await auditOf(app, ids[0])).toEqual([{ action: 'fail', actor_type: 'system' }])
  })

  it('cancels, with the reason, messages of a cancelled or past appointment and of a void or paid invoice', async () => {
    const cancelledTicket = await newTicket(app, jane)
    const pastTicket = await newTicket(app, jane, { scheduled_start: new Date(now.getTime() + 3600_000).toISOString() })
    const voided = await made(app, 'invoice', 'create', {
      contact_id: jane,
      line_items: [{ description: 'Windows', unit_price_cents: 5000 }],
    })
    const paid = await made(app, 'invoice', 'create', {
      contact_id: jane,
      line_items: [{ description: 'Screens', unit_price_cents: 3000 }],
    })
    const ids = {
      cancelled: await dueMessage(app, { contact_id: jane, kind: 'reminder', ticket_id: cancelledTicket.id }),
      past: await dueMessage(app, { contact_id: jane, kind: 'confirmation', ticket_id: pastTicket.id }),
      voided: await dueMessage(app, { contact_id: jane, kind: 'invoice', invoice_id: voided.id }),
      paid: await dueMessage(app, { contact_id: jane, kind: 'invoice', invoice_id: paid.id }),
    }
    await asTenant(app, async (tx) => {
      await tx.query(`update tickets set status = 'cancelled', cancelled_at = now() where id = $1`, [cancelledTicket.id])
      await tx.query(`update invoices set status = 'void', voided_at = now() where id = $1`, [voided.id])
      await tx.query(`update invoices set status = 'paid', amount_paid_cents = total_cents where id = $1`, [paid.id])
    })
    setClock(app, new Date(now.getTime() + 2 * 3600_000))
    await deliverDue(app.services)
    setClock(app, now)
    const reasons = Object.fromEntries(
      await Promise.all(
        Object.entries(ids).map(async ([k, id]) => {
          const row = await messageRow(app, id)
          expect(row.status, k).toBe('cancelled')
          expect(emailsFor(id), k).toHaveLength(0)
          expect(await auditOf(app, id), k).toEqual([{ action: 'cancel', actor_type: 'system' }])
          return [k, row.last_error]
        }),
      ),
    )
    expect(reasons).toEqual({
      cancelled: `Not sent: appointment #${cancelledTicket.number} was cancelled`,
      past: `Not sent: appointment #${pastTicket.number} has already started`,
      voided: `Not sent: invoice ${voided.number} was voided`,
      paid: `Not sent: invoice ${paid.number} is already paid`,
    })
  })

  it('a worker lost between sending and marking: after its lease another sends again with the same key, and only one email exists', async () => {
    const id = await dueMessage(app, { contact_id: jane, kind: 'custom', body: 'Exactly once' })
    const repeatsBefore = fake.repeats
    fake.hang = true
    const claims = await claimDueMessages(app.t.db, { limit: 50, leaseSeconds: 60, now })
    const mine = claims.find((c) => c.id === id)!
    expect(mine).toBeDefined()
    // The first worker sends; the provider takes the email, but the answer never comes back.
    const first = deliverMessage({ ...app.services, email: fakeResendClient(fake, 1500) }, mine)
    await expect.poll(() => emailsFor(id).length, { timeout: 5000 }).toBe(1)
    fake.hang = false
    // Within the lease nobody else touches it.
    expect((await deliverDue(app.services)).sent).toBe(0)
    setClock(app, new Date(now.getTime() + 61_000))
    const second = await deliverDue(app.services)
    expect(second.sent).toBeGreaterThanOrEqual(1)
    // The first worker's late failure finds the lease gone and changes nothing.
    expect(await first).toBe('lost')
    setClock(app, now)
    const row = await messageRow(app, id)
    expect(row).toMatchObject({ status: 'sent', attempts: 0, provider_message_id: emailsFor(id)[0].id })
    expect(emailsFor(id)).toHaveLength(1)
    expect(fake.repeats).toBe(repeatsBefore + 1)
    expect(await auditOf(app, id)).toEqual([{ action: 'send', actor_type: 'system' }])
  })

  it('an attempt whose answer was lost is repeated with the very same email, even if it would now read differently', async () => {
    const dana = await customer(app, 'Dana Diaz', 'dana@example.com')
    const id = await dueMessage(app, { contact_id: dana, kind: 'custom', body: 'Your quote is ready' })
    fake.hang = true
    const first = await deliverDue({ ...app.services, email: fakeResendClient(fake, 500) })
    fake.hang = false
    expect(first.retrying).toBe(1)
    expect(emailsFor(id)).toHaveLength(1)
    // Rendering now would greet her differently (and links made at delivery always differ).
    await asTenant(app, (tx) => tx.query(`update contacts set first_name = 'Danielle' where id = $1`, [dana]))
    const repeatsBefore = fake.repeats
    setClock(app, new Date(now.getTime() + 61_000))
    await deliverDue(app.services)
    setClock(app, now)
    expect(fake.repeats).toBe(repeatsBefore + 1)
    expect(emailsFor(id)).toHaveLength(1)
    expect(emailsFor(id)[0].text).toContain('Hi Dana,')
    expect(await messageRow(app, id)).toMatchObject({ status: 'sent', attempts: 1, provider_message_id: emailsFor(id)[0].id })
  })

  it('a message edited after a failed attempt is sent as it now reads, under a new key', async () => {
    const id = await dueMessage(app, { contact_id: jane, kind: 'custom', body: 'Old words' })
    fake.failNext(500)
    await deliverDue(app.services)
    await asTenant(app, (tx) => tx.query(`update scheduled_messages set body = 'New words' where id = $1`, [id]))
    setClock(app, new Date(now.getTime() + 61_000))
    await deliverDue(app.services)
    setClock(app, now)
    const sent = fake.emails.filter((e) => e.idempotencyKey?.startsWith(idempotencyKeyOf(id)))
    expect(sent).toHaveLength(1)
    expect(sent[0].idempotencyKey).toMatch(new RegExp(`^${idempotencyKeyOf(id)}-[0-9a-f]{12}$`))
    expect(sent[0].text).toContain('New words')
    expect((await messageRow(app, id)).status).toBe('sent')
  })

  it('two workers at once send each of 40 messages exactly once', async () => {
    const ids = await Promise.all(
      Array.from({ length: 40 }, (_, i) => dueMessage(app, { contact_id: jane, kind: 'custom', body: `Bulk ${i}` })),
    )
    const [a, b] = await Promise.all([deliverDue(app.services, { batchSize: 3 }), deliverDue(app.services, { batchSize: 3 })])
    expect(a.sent + b.sent).toBeGreaterThanOrEqual(40)
    for (const id of ids) {
      expect(emailsFor(id)).toHaveLength(1)
      expect((await messageRow(app, id)).status).toBe('sent')
    }
  })

  it("with no provider, messages go to the business's outbox and are marked sent there", async () => {
    const id = await dueMessage(app, { contact_id: jane, kind: 'custom', subject: 'Kept', body: 'Kept for the owner' })
    const services = { ...app.services, email: outboxEmailClient(app.t.db, app.services.config) }
    await deliverDue(services)
    const row = await messageRow(app, id)
    expect(row.status).toBe('sent')
    expect(row.provider_message_id).toMatch(/^outbox-/)
    const kept = await asTenant(
      app,
      async (tx) =>
        (
          await tx.query('select to_address, subject, text_body, html_body, idempotency_key from email_outbox where idempotency_key = $1', [
            idempotencyKeyOf(id),
          ])
        ).rows,
    )
    expect(kept).toHaveLength(1)
    expect(kept[0]).toMatchObject({ to_address: 'jane@example.com', subject: 'Kept' })
    expect(kept[0].text_body).toContain('Kept for the owner')
    expect(kept[0].html_body).toContain('Kept for the owner')
    expect(emailsFor(id)).toHaveLength(0)
  })
})
