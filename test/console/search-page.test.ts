import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../helpers/session-browser.js'
import { made } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

/** The results' links and texts, in order, as a person reads them. */
function results(page: string): Array<{ href: string; text: string }> {
  const list = page.slice(page.indexOf('id="hits"'))
  return [...list.matchAll(/<li><a href="([^"]*)">([^<]*)<\/a>\s*<small>([^<]*)<\/small>/g)].map((m) => ({
    href: m[1].replace(/&amp;/g, '&'),
    text: `${m[2]} ${m[3]}`,
  }))
}

describe.each(engines)('the search everywhere page on %s', (engine) => {
  let app: TestApp
  let owner: PageClient
  let tech: PageClient
  let margaretId: string
  let invoiceNumber: string
  let invoiceId: string
  let leadId: string
  let ticketNumber: number

  beforeAll(async () => {
    app = await startTestApp(engine)
    await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Reyes')
    margaretId = (
      await made(app, 'contact', 'create', { display_name: 'Margaret Oakley', email: 'moakley@example.com', phone: '(256) 555-0199' })
    ).id
    await made(app, 'address', 'add', {
      contact_id: margaretId,
      line1: '41 Willowbend Rd',
      city: 'Huntsville',
      state: 'AL',
      postal_code: '35801',
    })
    const serviceId = (
      await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
    ).id
    const ticket = await made(app, 'ticket', 'create', {
      contact_id: margaretId,
      scheduled_start: '2026-12-01T09:00',
      duration_minutes: 60,
      line_items: [{ service_id: serviceId }],
    })
    ticketNumber = ticket.number
    const invoice = await made(app, 'invoice', 'create_from_ticket', { ticket_id: ticket.id })
    invoiceNumber = invoice.number
    invoiceId = invoice.id
    leadId = (await made(app, 'lead', 'create', { raw_notes: 'Wants a quote for gutters', name: 'Priya Raman' })).id
    const other = await app.createTenant('Other Cleaners')
    expect((await app.action('contact', 'create', { display_name: 'Quentin Zabriskie' }, { token: other.agent_token })).status).toBe(200)
    owner = await pageClient(app, 'owner@sparkle.test')
    tech = await pageClient(app, 'tom@sparkle.test')
  })
  afterAll(async () => {
    await app?.close()
  })

  it("finds a customer by name, first, linked to the customer's page", async () => {
    const page = await owner.get('/search?q=Margaret%20Oakley')
    expect(page.status).toBe(200)
    expect(results(page.html)[0]).toEqual({ href: `/customers/${margaretId}`, text: expect.stringContaining('Margaret Oakley Customer') })
  })

  it('finds records by phone digits, street, typo, invoice number, visit number and lead name', async () => {
    const first = async (q: string) => results((await owner.get(`/search?q=${encodeURIComponent(q)}`)).html)[0]?.href
    expect(await first('0199')).toBe(`/customers/${margaretId}`)
    expect(await first('Willowbend')).toBe(`/customers/${margaretId}`)
    expect(await first('Margret Oakly')).toBe(`/customers/${margaretId}`)
    expect(await first(invoiceNumber)).toBe(`/invoices/${invoiceId}`)
    const visit = results((await owner.get(`/search?q=%23${ticketNumber}`)).html)
    expect(visit.some((r) => r.href.startsWith('/tickets/') && r.text.includes(`#${ticketNumber}`))).toBe(true)
    expect(await first('Priya Raman')).toBe(`/leads/${leadId}`)
  })

  it('lists what the owner can do for action words, with where it is done', async () => {
    const top = async (q: string) => results((await owner.get(`/search?q=${encodeURIComponent(q)}`)).html).slice(0, 3)
    expect((await top('void invoice'))[0]).toEqual({
      href: '/invoices?status=open',
      text: 'Void an invoice Action · pick the invoice, then Void',
    })
    expect((await top('add technician')).map((r) => r.href)).toContain('/team')
    expect((await owner.get('/search?q=send%20reminder')).html).toMatch(
      /Send a reminder or other email[\s\S]*?open the customer, then Send an email/,
    )
    expect((await top('refund')).map((r) => r.href)).toContain('/invoices?status=open')
    expect((await top('new customer'))[0].href).toBe('/customers/new')
    for (const [q, path] of [
      ['team', '/team'],
      ['templates', '/settings/templates'],
      ['numbers', '/analytics'],
      ['outbox', '/messages/outbox'],
      ['permissions', '/review/permissions'],
      ['import', '/import'],
    ]) {
      expect(
        (await top(q)).map((r) => r.href),
        q,
      ).toContain(path)
    }
  })

  it('offers recent customers and everyday actions for an empty box, and says when nothing matches', async () => {
    await made(app, 'contact', 'update', { contact_id: margaretId, email: 'margaret@example.com' })
    const start = await owner.get('/search')
    expect(start.status).toBe(200)
    const list = results(start.html)
    expect(list[0].href).toBe(`/customers/${margaretId}`)
    expect(list.map((r) => r.href)).toContain('/customers/new')
    const none = await owner.get('/search?q=xqzvw')
    expect(none.status).toBe(200)
    expect(none.html).toContain('Nothing matches “xqzvw”')
    expect(none.html).toContain('void invoice')
  })

  it("shows another business's records to nobody", async () => {
    const page = await owner.get('/search?q=Quentin%20Zabriskie')
    expect(page.html).not.toContain('Zabriskie</a>')
    expect(results(page.html).filter((r) => r.href.startsWith('/customers/'))).toEqual([])
  })

  it('answers a search too long with the field and the limit, status 400', async () => {
    const page = await owner.get(`/search?q=${'a'.repeat(201)}`)
    expect(page.status).toBe(400)
    expect(page.html).toContain('q: at most 200 characters')
  })

  it('answers the list alone for the results shown as you type', async () => {
    const part = await owner.get('/search?partial=1&q=Margaret')
    expect(part.status).toBe(200)
    expect(part.html.startsWith('<div id="hits">')).toBe(true)
    expect(part.html).not.toContain('<nav')
    expect(results(part.html)[0].href).toBe(`/customers/${margaretId}`)
  })

  it('shows a technician only the actions and pages of a technician, and no customer record', async () => {
    for (const q of ['void invoice', 'add technician', 'Margaret Oakley', 'close out', '']) {
      const page = await tech.get(`/search?q=${encodeURIComponent(q)}`)
      expect(page.status, q).toBe(200)
      for (const r of results(page.html)) expect(r.href, `${q}: ${r.text}`).toMatch(/^\/(today|calendar)\b/)
    }
    expect(results((await tech.get('/search?q=close%20out')).html)[0]).toMatchObject({ href: '/today' })
  })

  it('sends a signed-out visitor to sign in', async () => {
    const res = await fetch(`${app.url}/search?q=Margaret`, { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/')
  })
})
