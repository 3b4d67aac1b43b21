import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { newContact, service } from '../helpers/fixtures.js'
import { behaviourEngine } from '../helpers/databases.js'

describe.skipIf(!browserAvailable)('owner review page in Chromium', () => {
  let app: TestApp
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    app = await startTestApp(behaviourEngine)
    browser = await launchBrowser()
    page = await browser.newPage()
    await page.goto(`${app.url}/`)
    await page.fill('input[name=email]', 'owner@sparkle.test')
    await page.click('button')
    await expect(page.textContent('body')).resolves.toContain('sign-in link is on its way')
    const link = app.email.sent.at(-1)!.text.match(/http\S+verify\?token=\S+/)![0]
    await page.goto(link)
    await page.click('button:has-text("Sign in")')
    await expect(page.textContent('body')).resolves.toContain('Signed in as')
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  /** An agent asks to delete a new customer of that name (queued for the owner). */
  const queueDelete = async (name: string) => {
    const id = await newContact(app, { display_name: name })
    const r = await app.action('contact', 'delete', { contact_id: id }, { reasoning: `duplicate of ${name}` })
    expect(r.status).toBe(202)
    return { contactId: id, requestId: r.body.data.request_id as string }
  }
  const statusOf = async (id: string) => (await app.query({ type: 'authorization_requests', id })).body.data
  const contactExists = async (id: string) => (await app.query({ type: 'contacts', id })).status === 200
  const cardOf = (text: string) => page.locator('.card', { hasText: text })

  it('Allow Once runs the call, in plain words with the reasoning shown', async () => {
    const { contactId, requestId } = await queueDelete('Jane Smith')
    await page.goto(`${app.url}/review`)
    const card = cardOf('Delete customer Jane Smith')
    await expect(card.textContent()).resolves.toContain('duplicate of Jane Smith')
    await card.locator('button[value=allow_once]').click()
    await expect(page.textContent('body')).resolves.toContain('Done: the call ran.')
    expect((await statusOf(requestId)).status).toBe('executed')
    expect(await contactExists(contactId)).toBe(false)
  })

  it('shows a void with the customer, the service names and the total in dollars; the raw call stays folded', async () => {
    const lena = await newContact(app, { display_name: 'Lena Ortiz' })
    await service(app, { name: 'Gutter cleaning', price_cents: 4550 })
    const inv = (
      await app.action('invoice', 'create', {
        contact_id: lena,
        line_items: [
          { description: 'Window cleaning, 2 storeys', unit_price_cents: 12000, taxable: false },
          { description: 'Gutter cleaning', quantity: 2, unit_price_cents: 4550, taxable: false },
        ],
      })
    ).body.data
    const queued = await app.action(
      'invoice',
      'void',
      { invoice_id: inv.id, reason: 'Entered twice' },
      { reasoning: "Duplicate of last week's invoice" },
    )
    expect(queued.status).toBe(202)
    await page.goto(`${app.url}/review`)
    const card = cardOf(`Void invoice ${inv.number}`)
    const text = (await card.innerText()).replace(/\s+/g, ' ')
    expect(text).toContain('Customer: Lena Ortiz')
    expect(text).toContain('Window cleaning, 2 storeys $120.00')
    expect(text).toContain('Gutter cleaning × 2 $91.00')
    expect(text).toContain('Invoice total: $211.00')
    expect(text).not.toContain('21100')
    await expect(card.locator('details pre').isVisible()).resolves.toBe(false)
    await card.locator('details summary').click()
    await expect(card.locator('details pre').textContent()).resolves.toContain('"invoice_id"')
  })

  it("shows an appointment time on the business's clock (Chicago), not in UTC", async () => {
    await app.t.admin.query(
      `insert into permission_overrides (tenant_id, action_key, permission) values ($1, 'ticket.cancel', 'requires_authorization')`,
      [app.tenant.tenant_id],
    )
    const max = await newContact(app, { display_name: 'Max Weber' })
    const t = (
      await app.action('ticket', 'create', {
        contact_id: max,
        scheduled_start: '2026-12-15T15:00:00Z',
        duration_minutes: 60,
        line_items: [{ description: 'Window cleaning', unit_price_cents: 9900 }],
      })
    ).body.data
    const queued = await app.action(
      'ticket',
      'cancel',
      { ticket_id: t.id, reason: 'Customer moved away' },
      { reasoning: 'Customer phoned' },
    )
    expect(queued.status).toBe(202)
    await page.goto(`${app.url}/review`)
    const text = (await cardOf('Max Weber').innerText()).replace(/\s+/g, ' ')
    expect(text).toContain('Appointment: Tue, Dec 15, 2026, 9:00 AM CST')
    expect(text).toContain('Window cleaning $99.00')
  })

  it('Allow Always says what it grants and needs a second confirmation', async () => {
    const first = await queueDelete('Bob Jones')
    await page.goto(`${app.url}/review`)
    await cardOf('Bob Jones').locator('button[value=allow_always]').click()
    await expect(page.textContent('body')).resolves.toContain(
      'from now on the agent may delete a customer entered by mistake without asking you',
    )
    expect((await statusOf(first.requestId)).status).toBe('pending')
    await page.locator('button', { hasText: 'Yes, from now on' }).click()
    expect((await statusOf(first.requestId)).status).toBe('executed')
    const carl = await newContact(app, { display_name: 'Carl' })
    expect((await app.action('contact', 'delete', { contact_id: carl }, { reasoning: 'again' })).status).toBe(200)
    await app.t.admin.query(`delete from permission_overrides where tenant_id = $1 and action_key = 'contact.delete'`, [
      app.tenant.tenant_id,
    ])
  })

  it('the Allow Always step still offers Allow Once, which grants nothing', async () => {
    const { requestId } = await queueDelete('Olga Once')
    await page.goto(`${app.url}/review`)
    await cardOf('Olga Once').locator('button[value=allow_always]').click()
    await page.locator('button', { hasText: 'Just this once' }).click()
    expect((await statusOf(requestId)).decision).toBe('allow_once')
    expect(
      (await app.action('contact', 'delete', { contact_id: await newContact(app, { display_name: 'Pia' }) }, { reasoning: 'x' })).status,
    ).toBe(202)
  })

  it('Deny with a reason and a note: nothing runs and the agent reads both', async () => {
    const { contactId, requestId } = await queueDelete('Eve Adams')
    await page.goto(`${app.url}/review`)
    const card = cardOf('Eve Adams')
    await card.locator('select[name=reason]').selectOption('wrong_customer')
    await card.locator('textarea[name=note]').fill('Keep her, she pays on time.')
    await card.locator('button[value=deny]').click()
    const s = await statusOf(requestId)
    expect(s).toMatchObject({ status: 'denied', decision_reason: 'wrong_customer', decision_note: 'Keep her, she pays on time.' })
    expect(await contactExists(contactId)).toBe(true)
    await page.goto(`${app.url}/review/history`)
    const text = await page.textContent('body')
    expect(text).toContain('Keep her, she pays on time.')
    expect(text).toContain('Reason: Wrong customer')
  })

  it('works without JavaScript and refuses a decision without the CSRF token', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    await context.addCookies(await page.context().cookies())
    const noJs = await context.newPage()
    const frank = await queueDelete('Frank')
    await noJs.goto(`${app.url}/review`)
    await noJs.locator('.card', { hasText: 'Frank' }).locator('button[value=allow_always]').click()
    await noJs.locator('button', { hasText: 'Yes, from now on' }).click()
    expect((await statusOf(frank.requestId)).status).toBe('executed')
    await app.t.admin.query(`delete from permission_overrides where tenant_id = $1 and action_key = 'contact.delete'`, [
      app.tenant.tenant_id,
    ])
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
    const gina = await queueDelete('Gina')
    const forged = await fetch(`${app.url}/review/${gina.requestId}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=allow_once',
    })
    expect(forged.status).toBe(403)
    expect((await statusOf(gina.requestId)).status).toBe('pending')
    await context.close()
  })

  it('the owner edits the amount and the date before allowing; a bad edit says why and changes nothing', async () => {
    await app.t.admin.query(
      `insert into permission_overrides (tenant_id, action_key, permission) values ($1, 'invoice.record_payment', 'requires_authorization')`,
      [app.tenant.tenant_id],
    )
    const rosa = await newContact(app, { display_name: 'Rosa Diaz' })
    const inv = (
      await app.action('invoice', 'create', {
        contact_id: rosa,
        line_items: [{ description: 'Windows', unit_price_cents: 10000, taxable: false }],
      })
    ).body.data
    await app.action('invoice', 'mark_sent', { invoice_id: inv.id })
    const queued = await app.action(
      'invoice',
      'record_payment',
      { invoice_id: inv.id, amount_cents: 8000, method: 'cash', received_at: '2026-11-20T16:00:00Z' },
      { reasoning: 'Technician says she paid cash' },
    )
    expect(queued.status).toBe(202)
    const id = queued.body.data.request_id
    await page.goto(`${app.url}/review`)
    await cardOf('Rosa Diaz').locator('a', { hasText: 'Edit first' }).click()
    await expect(page.inputValue('input[name=f_amount_cents]')).resolves.toBe('80.00')
    await expect(page.inputValue('input[name=f_received_at]')).resolves.toBe('2026-11-20T10:00')

    await page.fill('input[name=f_amount_cents]', 'eighty')
    await page.click('button:has-text("Save changes")')
    await expect(page.textContent('.err')).resolves.toContain('amount: enter dollars and cents')
    await page.fill('input[name=f_amount_cents]', '150')
    await page.click('button:has-text("Save changes")')
    await expect(page.textContent('.err')).resolves.toContain('is more than the amount due')
    expect((await statusOf(id)).data.amount_cents).toBe(8000)

    await page.fill('input[name=f_amount_cents]', '50')
    await page.fill('input[name=f_received_at]', '2026-11-19T09:30')
    await page.click('button:has-text("Save changes")')
    const card = cardOf('Rosa Diaz')
    const text = (await card.innerText()).replace(/\s+/g, ' ')
    expect(text).toContain('Record a cash payment of $50.00 from Rosa Diaz')
    expect(text).toMatch(/You changed: .*amount from \$80.00 to \$50.00/)
    expect(text).toContain('Received: Thu, Nov 19, 2026, 9:30 AM CST')
    await card.locator('button[value=allow_once]').click()
    expect((await app.query({ type: 'invoices', id: inv.id })).body.data).toMatchObject({
      amount_paid_cents: 5000,
      status: 'partially_paid',
    })
    expect((await statusOf(id)).edits).toEqual({
      amount_cents: { before: 8000, after: 5000 },
      received_at: { before: '2026-11-20T16:00:00Z', after: '2026-11-19T15:30:00.000Z' },
    })
  })

  it('the permissions page reads in plain words, grouped by area, and fits a 390 px phone without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } })
    await phone.context().addCookies(await page.context().cookies())
    await phone.goto(`${app.url}/review/permissions`)
    const text = await phone.innerText('main')
    for (const area of ['Customers', 'Appointments', 'Invoices', 'Emails to customers']) expect(text).toContain(area)
    expect(text).toContain('Void any invoice')
    expect(text).toContain('Asks you first')
    expect(text).not.toMatch(/requires_authorization|soft_limit|unrestricted|contact\.archive|invoice\.void/)
    expect(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await phone.screenshot({ path: '/tmp/permissions-390.png' })
    await phone.goto(`${app.url}/review`)
    expect(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await phone.close()
  })

  it('after Allow Always the owner sets the action back to asking first on the permissions page', async () => {
    await app.t.admin.query(
      `insert into permission_overrides (tenant_id, action_key, permission) values ($1, 'contact.delete', 'unrestricted')`,
      [app.tenant.tenant_id],
    )
    await page.goto(`${app.url}/review/permissions`)
    const row = page.locator('.perm', { hasText: 'Delete a customer entered by mistake' })
    await expect(row.innerText()).resolves.toContain('Now: Goes ahead (your choice)')
    await row.locator('select[name=permission]').selectOption('default')
    await row.locator('button', { hasText: 'Set' }).click()
    await expect(page.textContent('.ok')).resolves.toContain('Delete a customer entered by mistake: asks you first.')
    await queueDelete('Dora')
  })

  it('the owner adds a rule "void up to $50 until a date", the agent voids a $40 invoice without asking, and revoking stops it', async () => {
    const ivy = await newContact(app, { display_name: 'Ivy Rule' })
    const invoice = async (cents: number) =>
      (
        await app.action('invoice', 'create', {
          contact_id: ivy,
          line_items: [{ description: 'Windows', unit_price_cents: cents, taxable: false }],
        })
      ).body.data.id
    await page.goto(`${app.url}/review/permissions`)
    const row = page.locator('.perm', { hasText: 'Void any invoice' })
    await row.locator('summary').click()
    await row.locator('select[name=fact]').selectOption('amount_cents')
    await row.locator('select[name=op]').selectOption('at_most')
    await row.locator('input[name=value]').fill('fifty')
    await row.locator('button', { hasText: 'Add rule' }).click()
    await expect(page.textContent('.err')).resolves.toContain('Nothing was changed')
    await page.goto(`${app.url}/review/permissions`)
    await row.locator('summary').click()
    await row.locator('input[name=value]').fill('50')
    await row.locator('input[name=until]').fill('2099-12-31')
    await row.locator('button', { hasText: 'Add rule' }).click()
    await expect(page.textContent('.ok')).resolves.toContain('Rule added')
    await expect(row.innerText()).resolves.toContain(
      'Goes ahead without asking when the invoice total is at most $50.00, until Fri, Jan 1, 2100, 12:00 AM CST',
    )
    expect((await app.action('invoice', 'void', { invoice_id: await invoice(4000) }, { reasoning: 'Duplicate' })).status).toBe(200)
    expect((await app.action('invoice', 'void', { invoice_id: await invoice(6000) }, { reasoning: 'Duplicate' })).status).toBe(202)
    await row.locator('button', { hasText: 'Revoke' }).click()
    await expect(page.textContent('.ok')).resolves.toContain('Rule revoked')
    expect((await app.action('invoice', 'void', { invoice_id: await invoice(4000) }, { reasoning: 'Duplicate' })).status).toBe(202)
  })

  it("a card shows an agent's words as the customer will read them, before and after, and what the call does; it fits 390 px", async () => {
    const followUp = (await app.query({ type: 'templates', kind: 'follow_up', limit: 5 })).body.data.items.find((t: any) => t.is_default)
    const wording = await app.action(
      'template',
      'update',
      {
        template_id: followUp.id,
        body: 'Hi {{customer_first_name}}, we still need a yes for {{appointment_date}} at {{appointment_time}}: {{confirm_link}}',
      },
      { reasoning: 'Shorter wording the owner asked for' },
    )
    expect(wording.status).toBe(202)
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } })
    await phone.context().addCookies(await page.context().cookies())
    await phone.goto(`${app.url}/review`)
    const card = phone.locator('.card', { hasText: 'Change the follow up email template' })
    const text = await card.innerText()
    expect(text).toContain('As a customer reads it (sample customer):')
    expect(text).toContain('We have not heard back about your appointment')
    expect(text).toContain('Hi Jane, we still need a yes for')
    expect(text).toContain('What it does, tried just now:')
    expect(text).toMatch(/Email template "Default follow-up" \(update\): body/)
    expect(text).toContain('Allow Always')
    expect(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await card.screenshot({ path: '/tmp/review-words-390.png' })
    await phone.close()
  })
})
