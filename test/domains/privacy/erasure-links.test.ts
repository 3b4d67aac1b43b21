import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../../core/clients/payments.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { startFakeStripe, type FakeStripe } from '../../helpers/fake-stripe.js'
import { customer, dueMessage } from '../../helpers/delivery-fixtures.js'
import { made, signedIn } from '../../helpers/fixtures.js'

/** The server's clock: Tuesday 2026-10-27, 10:15 in Chicago; moved on to deliver what is due. */
const clock = { now: new Date('2026-10-27T15:15:00Z') }
const LINK = /http:\/\/127\.0\.0\.1:\d+(\/(?:quote|respond|pay)\/[\w-]{43})/g

describe.each(engines)('erasing a customer closes every link they got by email (%s)', (engine) => {
  let app: TestApp
  let stripe: FakeStripe

  beforeAll(async () => {
    stripe = await startFakeStripe()
    stripe.now = () => clock.now
    app = await startTestApp(engine, { now: () => clock.now })
    app.services.integrations.stripe = createPaymentsClient({
      secretKey: 'sk_test_fake',
      webhookSecret: 'whsec_erasure',
      apiBase: stripe.url,
    })
  })
  afterAll(async () => {
    await app?.close()
    await stripe?.close()
  })

  const open = (path: string, init: RequestInit = {}) =>
    fetch(app.url + path, { redirect: 'manual', ...init }).then(async (r) => ({
      status: r.status,
      text: (await r.text()).replace(/nonce="[^"]*"/g, ''),
    }))
  const answer = (path: string, form: Record<string, string>) => open(path, { method: 'POST', body: new URLSearchParams(form) })

  it('quote, appointment and pay links then read as links that never existed, and accepting the quote makes no order', async () => {
    const zed = await customer(app, 'Zed Zappa', 'zed@erasure.test')
    const quote = await made(app, 'quote', 'create', {
      contact_id: zed,
      line_items: [{ description: 'Skylight', unit_price_cents: 4_000 }],
    })
    await made(app, 'quote', 'send', { quote_id: quote.id }, 'he asked for a price')
    await made(app, 'ticket', 'create', {
      contact_id: zed,
      scheduled_start: '2026-11-05T15:00:00Z',
      duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 12_000 }],
    })
    const invoice = await made(app, 'invoice', 'create', {
      contact_id: zed,
      line_items: [{ description: 'Gutters', unit_price_cents: 9_000 }],
    })
    await made(app, 'invoice', 'mark_sent', { invoice_id: invoice.id })
    await dueMessage(app, { contact_id: zed, kind: 'invoice', invoice_id: invoice.id })
    clock.now = new Date(clock.now.getTime() + 60_000)
    await deliverDue(app.services)
    // The invoice email gives its page's address twice (pay online, see the invoice): each link counts once.
    const paths = [
      ...new Set(app.email.sent.filter((m) => m.to === 'zed@erasure.test').flatMap((m) => [...m.text.matchAll(LINK)].map((x) => x[1]))),
    ]
    const of = (kind: string) => paths.filter((p) => p.startsWith(`/${kind}/`))
    expect([of('quote').length, of('respond').length, of('pay').length]).toEqual([2, 3, 1])
    for (const p of [...of('quote'), ...of('respond')]) expect((await open(p)).status, p).toBe(200)
    expect((await open(of('pay')[0])).status).toBe(200)

    const owner = await signedIn(app, app.tenant.owner_user_id)
    const erased = expectData(await owner.action('contact', 'erase', { contact_id: zed, confirm: true }))
    expect(erased.rows_changed).toMatchObject({ response_links: 5, pay_links: 1 })

    const unknown = {
      quote: await open(`/quote/${'Q'.repeat(43)}`),
      respond: await open(`/respond/${'R'.repeat(43)}`),
      pay: await open(`/pay/${'P'.repeat(43)}`),
    }
    expect(unknown.quote.status).toBe(404)
    for (const p of paths) {
      const kind = p.split('/')[1] as keyof typeof unknown
      expect(await open(p), p).toEqual(unknown[kind])
    }
    const accepted = await answer(of('quote')[0], { answer: 'accept', note: 'yes please' })
    expect(accepted.status).toBe(404)
    expect(expectData(await app.query({ type: 'orders', quote_id: quote.id })).items).toEqual([])
    expect(expectData(await app.query({ type: 'quotes', id: quote.id })).status).toBe('sent')
    const confirmed = await answer(of('respond')[0], { answer: 'confirm' })
    expect(confirmed.status).toBe(404)
  })
})
