import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import type { PageClient } from '../helpers/technician-fixture.js'

/** Tuesday 2026-10-27, 10:15 in Chicago. */
const NOW = new Date('2026-10-27T15:15:00Z')

describe.each(engines)("quotes and orders on the owner's pages (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient
  let rita: string
  let windows: string
  const ok = okOf(() => app)
  const page = async (path: string) => {
    const r = await owner.get(path)
    expect(r.status, path).toBe(200)
    return r.html
  }

  beforeAll(async () => {
    ;({ app, owner } = await startPageApp(engine, { now: () => NOW, integrations: { stripe: null } }))
    rita = (await ok('contact', 'create', { display_name: 'Rita Rivers', email: 'rita@example.com' })).id
    windows = (await ok('service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15_000 })).id
  })
  afterAll(async () => {
    await app?.close()
  })

  it('starts a quote from the Quotes page by finding the customer, with no JavaScript and no customer id to type', async () => {
    const robin = (await ok('contact', 'create', { display_name: 'Robin Rivers', phone: '(256) 555-0177' })).id
    expect(await page('/quotes')).toContain('href="/quotes/new"')
    const start = await page('/quotes/new')
    expect(start).toContain('<form method="get" action="/quotes/new" role="search"')
    expect(start).not.toContain('name="contact_id"')
    expect(start).not.toContain('method="post" action="/quotes/new"')
    const both = await page('/quotes/new?q=Rivers')
    for (const id of [rita, robin]) expect(both).toContain(`name="contact_id" value="${id}" required>`)
    const one = await page('/quotes/new?q=Robin')
    expect(one).toContain(`name="contact_id" value="${robin}" required checked>`)
    expect(one).not.toContain(`value="${rita}"`)
    const choices = one.slice(one.indexOf('<form method="post" action="/quotes/new"'))
    // Nothing chosen is refused with the matches still offered; the choice made then goes through.
    const unchosen = await owner.submit(choices, '/quotes/new', [['service_0', windows]])
    expect(unchosen.status).toBe(400)
    expect(unchosen.html).toContain(`name="contact_id" value="${robin}" required checked>`)
    const made = await owner.submit(choices, '/quotes/new', [
      ['contact_id', robin],
      ['service_0', windows],
    ])
    expect(made.status).toBe(303)
    const [quote] = (await app.query({ type: 'quotes', contact_id: robin })).body.data.items
    expect(made.location).toBe(`/quotes/${quote.id}?done=created`)
    expect(await page('/quotes/new?q=Zebediah')).toContain('No customer matches')
    const unknown = await page('/quotes/new?contact_id=00000000-0000-4000-8000-000000000009')
    expect(unknown).toContain('Find the customer')
    expect(unknown).not.toContain('name="contact_id"')
    expect((await owner.get(`/quotes/new?q=${encodeURIComponent(PAYLOAD)}`)).html).not.toContain(PAYLOAD)
  })

  it("creates a quote from the catalog on the customer's behalf, shows its lines and totals, and emails it", async () => {
    expect(await page(`/customers/${rita}`)).toContain(`/quotes/new?contact_id=${rita}`)
    const form = await page(`/quotes/new?contact_id=${rita}`)
    expect(form).toContain('Window cleaning · $150.00')
    expect(form).toContain('Customer: <b>Rita Rivers</b>')
    const refused = await owner.submit(form, '/quotes/new')
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('line_items')
    expect((await app.query({ type: 'quotes', contact_id: rita })).body.data.items).toEqual([])
    const made = await owner.submit(form, '/quotes/new', [
      ['service_0', windows],
      ['quantity_0', '2'],
      ['notes', `Back windows too ${PAYLOAD}`],
    ])
    expect(made.status).toBe(303)
    const [quote] = (await app.query({ type: 'quotes', contact_id: rita })).body.data.items
    expect(made.location).toBe(`/quotes/${quote.id}?done=created`)
    const shown = await page(made.location!)
    for (const words of ['Quote created.', quote.number, 'Window cleaning × 2', '$300.00', 'draft', 'Email it to the customer'])
      expect(shown).toContain(words)
    expectEscaped({ status: 200, html: shown }, "the quote's notes")
    const sent = await owner.submit(shown, `/quotes/${quote.id}/send`)
    expect([sent.status, sent.location]).toEqual([303, `/quotes/${quote.id}?done=sent`])
    expect((await app.query({ type: 'quotes', id: quote.id })).body.data.status).toBe('sent')
    const list = await page('/quotes')
    expect(list).toContain(quote.number)
    expect(list).toContain('Rita Rivers')
  })

  it('an order is booked, marked done and invoiced from its page', async () => {
    const quote = await ok('quote', 'create', { contact_id: rita, line_items: [{ service_id: windows }] })
    const { order } = await ok('quote', 'record_answer', { quote_id: quote.id, answer: 'accept' }, 'she said yes')
    expect(await page('/orders')).toContain(order.number)
    const shown = await page(`/orders/${order.id}`)
    expect(shown).toContain('Book one visit with every line')
    const booked = await owner.submit(shown, `/orders/${order.id}/book`, [
      ['date', '2026-11-03'],
      ['time', '09:00'],
      ['minutes', '90'],
    ])
    expect([booked.status, booked.location]).toEqual([303, `/orders/${order.id}?done=booked`])
    const after = await page(booked.location!)
    expect(after).toContain('Visit #')
    const done = await owner.submit(after, `/orders/${order.id}/fulfil`)
    expect(done.status).toBe(303)
    const billed = await owner.submit(await page(`/orders/${order.id}`), `/orders/${order.id}/invoice`)
    expect(billed.status).toBe(303)
    const read = (await app.query({ type: 'orders', id: order.id })).body.data
    expect(read.status).toBe('invoiced')
    expect(billed.location).toBe(`/invoices/${read.invoice_id}`)
    expect((await owner.get('/orders/00000000-0000-4000-8000-000000000001')).status).toBe(404)
  })
})
