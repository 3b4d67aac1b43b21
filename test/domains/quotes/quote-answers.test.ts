import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret } from '../../../core/auth/secrets.js'
import { idempotencyKeyOf } from '../../../core/jobs/deliver.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../../helpers/fake-resend.js'
import { snapshotTenant } from '../../helpers/tenant-data.js'
import { fakeResendClient } from '../../helpers/delivery-fixtures.js'
import { asTenant, auditActions, made } from '../../helpers/fixtures.js'

/** Tuesday 2026-10-27, 10:15 in Chicago; moved forward by the tests. */
const clock = { now: new Date('2026-10-27T15:15:00Z') }

describe.each(engines)('customers answering a quote email by link (%s)', (engine) => {
  let app: TestApp
  let fake: FakeResend
  let jane: string
  let windows: string

  beforeAll(async () => {
    clock.now = new Date('2026-10-27T15:15:00Z')
    fake = await startFakeResend()
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
    app.services.email = fakeResendClient(fake)
    await app.ownerAction('settings', 'update', { default_tax_rate_bp: 800 })
    jane = (await made(app, 'contact', 'create', { display_name: 'Jane Smith', first_name: 'Jane', email: 'jane@example.com' })).id
    windows = (await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15_000 })).id
  })
  afterAll(async () => {
    await app?.close()
    await fake?.close()
  })

  /** A quote sent and its email delivered through the queue: the links in the email the customer got. */
  async function sentQuote(data: Record<string, unknown> = {}): Promise<{ quote: any; accept: string; decline: string; message: string }> {
    const quote = await made(app, 'quote', 'create', {
      contact_id: jane,
      line_items: [
        { service_id: windows, quantity: 2 },
        { description: 'Skylight', unit_price_cents: 4_000 },
      ],
      ...data,
    })
    const sent = await made(app, 'quote', 'send', { quote_id: quote.id }, 'she asked for a price')
    clock.now = new Date(clock.now.getTime() + 60_000)
    await deliverDue(app.services)
    const email = fake.emails.find((e) => e.idempotencyKey === idempotencyKeyOf(sent.message.id))
    expect(email, 'the quote email was sent').toBeDefined()
    const links = [...String(email!.text).matchAll(/http:\/\/127\.0\.0\.1:\d+\/quote\/[\w-]{43}/g)].map((m) => m[0])
    expect(links).toHaveLength(2)
    return { quote: sent.quote, accept: links[0], decline: links[1], message: sent.message.id }
  }
  const get = (link: string) => fetch(link).then(async (r) => ({ status: r.status, text: await r.text(), headers: r.headers }))
  const post = (link: string, form: Record<string, string>) =>
    fetch(link, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' }).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }))
  const quoteOf = async (id: string) => expectData(await app.query({ type: 'quotes', id, include: 'order' }))

  it('emails the quote with its number, total and last day, and one-time links kept only as hashes', async () => {
    const { quote, accept, message } = await sentQuote()
    const email = fake.emails.find((e) => e.idempotencyKey === idempotencyKeyOf(message))!
    expect(email.to).toEqual(['jane@example.com'])
    expect(email.subject).toBe(`Quote ${quote.number} from Sparkle Windows`)
    // 2 x 150.00 + 40.00 = 340.00, tax 8 % = 27.20.
    expect(email.text).toContain(`Here is our quote ${quote.number} for $367.20, valid until November 26, 2026.`)
    expect(expectData(await app.query({ type: 'scheduled_messages', id: message })).status).toBe('sent')
    const stored = await asTenant(
      app,
      async (tx) =>
        (await tx.query('select purpose, token_hash, ticket_id from response_links where quote_id = $1 order by purpose', [quote.id])).rows,
    )
    expect(stored).toEqual([
      { purpose: 'accept', token_hash: hashSecret(accept.split('/quote/')[1]), ticket_id: null },
      { purpose: 'decline', token_hash: expect.any(String), ticket_id: null },
    ])
    expect(JSON.stringify(stored)).not.toContain(accept.split('/quote/')[1])
    // A quote link is no appointment link, and an appointment's page does not take it.
    expect((await get(accept.replace('/quote/', '/respond/'))).status).toBe(404)
  })

  it('shows the lines and totals without answering; accepting once makes the order, and the links then say it is settled', async () => {
    const { quote, accept, decline } = await sentQuote()
    const page = await get(accept)
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toMatch(/no-store/)
    for (const words of [
      `Quote ${quote.number}`,
      'Window cleaning',
      '× 2 at $150.00',
      '$300.00',
      'Skylight',
      '$40.00',
      '$340.00',
      '$27.20',
      '$367.20',
      'Accept the quote',
    ])
      expect(page.text).toContain(words)
    expect((await quoteOf(quote.id)).status).toBe('sent')
    expect((await post(accept, { answer: 'decline' })).status).toBe(400)
    const done = await post(accept, { answer: 'accept', note: 'After the 10th please' })
    expect(done.status).toBe(200)
    expect(done.text).toContain('the quote is accepted')
    const accepted = await quoteOf(quote.id)
    expect(accepted).toMatchObject({ status: 'accepted', customer_note: 'After the 10th please', answered_at: clock.now.toISOString() })
    const order = expectData(await app.query({ type: 'orders', id: accepted.order.id, include: 'line_items' }))
    expect(order).toMatchObject({
      status: 'pending_fulfilment',
      quote_id: quote.id,
      contact_id: jane,
      subtotal_cents: 34_000,
      tax_cents: 2_720,
      total_cents: 36_720,
      invoice_id: null,
    })
    expect(order.line_items.map((l: any) => [l.description, l.quantity, l.price_cents])).toEqual([
      ['Window cleaning', 2, 30_000],
      ['Skylight', 1, 4_000],
    ])
    expect(await auditActions(app, 'quote', quote.id)).toEqual(['create', 'send', 'accept'])
    const again = await post(accept, { answer: 'accept' })
    expect([again.status, again.text.includes('already used')]).toEqual([409, true])
    const other = await post(decline, { answer: 'decline' })
    expect([other.status, other.text.includes('already answered')]).toEqual([409, true])
    expect(expectData(await app.query({ type: 'orders', quote_id: quote.id })).items).toHaveLength(1)
    expect((await quoteOf(quote.id)).status).toBe('accepted')
  })

  it("a decline keeps the customer's note with card numbers redacted, and makes no order", async () => {
    const { quote, decline } = await sentQuote()
    const done = await post(decline, { answer: 'decline', note: 'Too dear. My card is 4111 1111 1111 1111 anyway' })
    expect(done.status).toBe(200)
    const declined = await quoteOf(quote.id)
    expect(declined.status).toBe('declined')
    expect(declined.order).toBeNull()
    expect(declined.customer_note).not.toContain('4111')
    expect(declined.customer_note).toContain('Too dear')
  })

  it('an expired quote cannot be accepted, and a made-up or cancelled link answers nothing', async () => {
    const { quote, accept, decline } = await sentQuote({ valid_until: '2026-10-29' })
    const before = await snapshotTenant(app.t.admin, app.tenant.tenant_id)
    clock.now = new Date('2026-10-30T15:00:00Z')
    const late = await post(accept, { answer: 'accept' })
    expect([late.status, late.text.includes('has expired')]).toEqual([410, true])
    expect((await get(accept)).status).toBe(410)
    expect((await quoteOf(quote.id)).status).toBe('sent')
    expect(await snapshotTenant(app.t.admin, app.tenant.tenant_id)).toEqual(before)
    expect((await get(`${app.url}/quote/${'x'.repeat(43)}`)).status).toBe(404)
    expect((await get(`${app.url}/quote/short`)).status).toBe(404)
    clock.now = new Date('2026-10-27T16:00:00Z')
    const { quote: withdrawn, accept: stale } = await sentQuote()
    await made(app, 'quote', 'cancel', { quote_id: withdrawn.id }, 'priced wrong')
    const answer = await post(stale, { answer: 'accept' })
    expect([answer.status, answer.text.includes('withdrawn')]).toEqual([409, true])
    expect(decline).toBeTruthy()
  })

  it('the agent records an answer given by phone; a settled quote cannot be answered twice', async () => {
    const quote = await made(app, 'quote', 'create', { contact_id: jane, line_items: [{ service_id: windows }] })
    const refused = await app.action('quote', 'record_answer', { quote_id: quote.id, answer: 'accept' })
    expectError(refused, 422, 'REASONING_REQUIRED')
    const r = await made(
      app,
      'quote',
      'record_answer',
      { quote_id: quote.id, answer: 'accept', note: 'Said yes on the phone' },
      'she called',
    )
    expect([r.quote.status, r.order.status, r.order.total_cents]).toEqual(['accepted', 'pending_fulfilment', 16_200])
    expectError(await app.action('quote', 'record_answer', { quote_id: quote.id, answer: 'decline' }, { reasoning: 'x' }), 409, 'CONFLICT')
    const stored = await asTenant(
      app,
      async (tx) => (await tx.query('select count(*)::int as n from orders where quote_id = $1', [quote.id])).rows[0].n,
    )
    expect(stored).toBe(1)
  })
})
