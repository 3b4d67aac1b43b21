import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../helpers/envelope-assertions.js'
import { addUser } from '../helpers/session-browser.js'
import { engines } from '../helpers/databases.js'
import { moneyFixture, type MoneyFixture } from './money-fixture.js'
import { hiddenFields, pageClient, type PageClient } from '../helpers/technician-fixture.js'

/** The invoice numbers a list page links to, in order. */
function numbersOn(html: string): string[] {
  return [...html.matchAll(/<a href="\/invoices\/[0-9a-f-]{36}"><b>([^<]+)<\/b><\/a>/g)].map((m) => m[1])
}

describe.each(engines)("the owner's invoices pages (%s)", (engine) => {
  let f: MoneyFixture
  let owner: PageClient
  const invoice = async (id: string) => expectData(await f.app.query({ type: 'invoices', id, include: 'payments' }))

  beforeAll(async () => {
    f = await moneyFixture(engine)
    owner = await pageClient(f.app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
  })

  it('lists open invoices with the totals owed and overdue, and each tab lists only its own', async () => {
    const { overdue, open, draft, paid } = f.invoices
    const page = await owner.get('/invoices')
    expect(page.status).toBe(200)
    expect(numbersOn(page.html).sort()).toEqual([overdue.number, open.number].sort())
    expect(page.html).toContain(`Owed $${((overdue.total + open.total) / 100).toFixed(2)}`)
    expect(page.html).toContain(`Overdue <b>$${(overdue.total / 100).toFixed(2)}</b>`)
    expect(page.html).toContain('Jane Smith')
    expect(page.html).toContain('Issued 2026-10-01 · due 2026-10-15')
    expect(numbersOn((await owner.get('/invoices?status=overdue')).html)).toEqual([overdue.number])
    expect(numbersOn((await owner.get('/invoices?status=paid')).html)).toEqual([paid.number])
    expect(numbersOn((await owner.get('/invoices?status=draft')).html)).toEqual([draft.number])
    expect(numbersOn((await owner.get('/invoices?status=void')).html)).toEqual([])
    expect(numbersOn((await owner.get('/invoices?status=all')).html)).toHaveLength(4)
    expect(numbersOn((await owner.get('/invoices?status=all&customer=bob')).html).sort()).toEqual([open.number, paid.number].sort())
    const wrong = await owner.get('/invoices?status=late')
    expect(wrong.status).toBe(400)
    expect(wrong.html).toContain('status: expected one of open, overdue, paid, draft, void, all')
  })

  it('pages through a long list with a link to the next page', async () => {
    for (let i = 0; i < 25; i++) {
      expectData(
        await f.app.action('invoice', 'create', { contact_id: f.bob, line_items: [{ description: `Visit ${i}`, unit_price_cents: 1000 }] }),
      )
    }
    const first = await owner.get('/invoices?status=draft')
    expect(numbersOn(first.html)).toHaveLength(25)
    const next = first.html.match(/<a href="(\/invoices\?status=draft&amp;cursor=[^"]+)">Next 25<\/a>/)
    expect(next).not.toBeNull()
    const second = await owner.get(next![1].replace(/&amp;/g, '&'))
    expect(numbersOn(second.html)).toHaveLength(1)
    expect(numbersOn(second.html)).not.toContain(numbersOn(first.html)[0])
  })

  it("shows an invoice's lines, totals, customer, payments, pay link state and emails", async () => {
    const page = await owner.get(`/invoices/${f.invoices.paid.id}`)
    expect(page.status).toBe(200)
    expect(page.html).toContain(`<a href="/customers/${f.bob}">Bob Jones</a>`)
    expect(page.html).toContain('Siding')
    expect(page.html).toMatch(/\$50\.00 each/)
    expect(page.html).toContain('check · ')
    expect(page.html).toContain('Check 1042')
    expect(page.html).toContain('No payment link yet')
    expect(page.html).toMatch(/<li>invoice · (pending|sent) · /)
    expect(page.html).not.toContain('Record a payment')
  })

  it('records a payment typed in dollars, and refuses "abc" naming the amount, changing nothing', async () => {
    const { open } = f.invoices
    const page = await owner.get(`/invoices/${open.id}`)
    const bad = await owner.submit(page.html, `/invoices/${open.id}/payment`, [
      ['amount', 'abc'],
      ['method', 'cash'],
      ['date', '2026-11-05'],
      ['note', ''],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('data.amount_cents: expected an amount in dollars and cents such as 45.50, not &quot;abc&quot;')
    expect(bad.html).toContain('value="abc"')
    expect((await invoice(open.id)).payments).toEqual([])
    const tooMuch = await owner.submit(page.html, `/invoices/${open.id}/payment`, [
      ['amount', '99999'],
      ['method', 'cash'],
      ['date', '2026-11-05'],
    ])
    expect(tooMuch.status).toBe(400)
    expect(tooMuch.html).toMatch(/class="err fe">is more than the amount due/)
    const done = await owner.submit(page.html, `/invoices/${open.id}/payment`, [
      ['amount', '20.50'],
      ['method', 'check'],
      ['date', '2026-11-03'],
      ['note', 'Check 77'],
    ])
    expect(done.status).toBe(303)
    expect(done.location).toBe(`/invoices/${open.id}?done=paid`)
    const read = await invoice(open.id)
    expect(read.payments).toHaveLength(1)
    expect(read.payments[0]).toMatchObject({ amount_cents: 2050, method: 'check', reference: 'Check 77' })
    expect(new Date(read.payments[0].received_at).toISOString()).toBe('2026-11-03T18:00:00.000Z')
    expect(read.status).toBe('partially_paid')
    expect((await owner.get(done.location!)).html).toContain('Payment recorded.')
  })

  it('voids an invoice after a confirm step, the owner acting directly, and asks for the reason when it has payments', async () => {
    const { paid, draft } = f.invoices
    const confirm = await owner.get(`/invoices/${paid.id}/void`)
    expect(confirm.status).toBe(200)
    expect(confirm.html).toContain('This cannot be undone')
    const noReason = await owner.submit(confirm.html, `/invoices/${paid.id}/void`, [['reason', '']])
    expect(noReason.status).toBe(400)
    expect(noReason.html).toMatch(/class="err fe">is required to void invoice/)
    expect((await invoice(paid.id)).status).toBe('paid')
    const voided = await owner.submit(confirm.html, `/invoices/${paid.id}/void`, [['reason', 'Billed twice']])
    expect(voided.status).toBe(303)
    const read = await invoice(paid.id)
    expect(read).toMatchObject({ status: 'void', void_reason: 'Billed twice' })
    const draftConfirm = await owner.get(`/invoices/${draft.id}/void`)
    expect((await owner.submit(draftConfirm.html, `/invoices/${draft.id}/void`)).status).toBe(303)
    expect((await invoice(draft.id)).status).toBe('void')
  })

  it('sends an invoice to the customer', async () => {
    const fresh = expectData(
      await f.app.action('invoice', 'create', { contact_id: f.jane, line_items: [{ description: 'Mirrors', unit_price_cents: 2500 }] }),
    )
    const page = await owner.get(`/invoices/${fresh.id}`)
    expect(page.html).toContain('Send to customer')
    const sent = await owner.submit(page.html, `/invoices/${fresh.id}/send`)
    expect(sent.status).toBe(303)
    expect((await invoice(fresh.id)).status).toBe('sent')
    const emails = expectData(await f.app.query({ type: 'scheduled_messages', invoice_id: fresh.id }))
    expect(emails.items.map((m: any) => m.kind)).toEqual(['invoice'])
  })

  it('creates the invoice of a finished job that has none, and lands on it', async () => {
    const list = await owner.get('/invoices')
    expect(list.html).toContain(`Create invoice for job #${f.finishedTicket.number}`)
    const made = await owner.submit(list.html, '/invoices/from-ticket')
    expect(made.status).toBe(303)
    const id = made.location!.match(/^\/invoices\/([0-9a-f-]{36})\?done=created$/)![1]
    expect(await invoice(id)).toMatchObject({ ticket_id: f.finishedTicket.id, contact_id: f.jane, status: 'draft' })
    const again = await owner.post('/invoices/from-ticket', hiddenFields(list.html, '/invoices/from-ticket'))
    expect(again.status).toBe(409)
    expect(again.html).toContain('No invoice was created.')
  })

  it('answers "not found" for another business\'s invoice, for a technician a 403 page, and signed out a sign-in redirect', async () => {
    const other = await f.app.createTenant('Other Windows')
    const theirContact = expectData(await f.app.action('contact', 'create', { display_name: 'Theirs' }, { token: other.agent_token })).id
    const theirs = expectData(
      await f.app.action(
        'invoice',
        'create',
        { contact_id: theirContact, line_items: [{ description: 'X', unit_price_cents: 100 }] },
        { token: other.agent_token },
      ),
    )
    const page = await owner.get(`/invoices/${theirs.id}`)
    expect(page.status).toBe(404)
    expect(page.html).toContain('Invoice not found')
    expect(page.html).not.toContain(theirs.number)
    expect((await owner.get(`/invoices/${theirs.id}/void`)).status).toBe(404)
    const ours = await owner.get(`/invoices/${f.invoices.overdue.id}`)
    const attempt = await owner.post(`/invoices/${theirs.id}/payment`, [
      ...hiddenFields(ours.html, `/invoices/${f.invoices.overdue.id}/payment`),
      ['amount', '1'],
      ['method', 'cash'],
    ])
    expect(attempt.status).toBe(404)
    expect(expectData(await f.app.query({ type: 'invoices', id: theirs.id, include: 'payments' }, other.agent_token)).payments).toEqual([])

    await addUser(f.app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    const tom = await pageClient(f.app, 'tom@sparkle.test')
    for (const path of ['/invoices', `/invoices/${f.invoices.open.id}`, `/invoices/${f.invoices.open.id}/void`]) {
      const r = await tom.get(path)
      expect(r.status, path).toBe(403)
      expect(r.html).not.toContain(f.invoices.open.number)
      const visitor = await fetch(f.app.url + path, { redirect: 'manual' })
      expect(visitor.status, path).toBe(303)
      expect(visitor.headers.get('location')).toBe('/')
    }
  })
})
