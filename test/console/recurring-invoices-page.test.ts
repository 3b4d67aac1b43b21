import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../core/db/tenant.js'
import { issueDueRecurringInvoices } from '../../core/domains/recurring-invoices/issue.js'
import { setPlanBilling } from '../../core/domains/recurring-invoices/plan-billing.js'
import { contextOf } from '../../core/kernel/operations-context.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { made, PAYMENT_INSTRUCTIONS, settings } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'

/** Noon on January 10 in Chicago. */
const NOW = new Date('2031-01-10T18:00:00Z')

/** An office building billed each month. */
async function acme(pages: PageApp): Promise<string> {
  await settings(pages.app, { payment_instructions: PAYMENT_INSTRUCTIONS })
  return (await made(pages.app, 'contact', 'create', { kind: 'organization', display_name: 'Acme Offices', email: 'ap@acme.test' })).id
}

/** A service plan sold to the customer, billed by a recurring invoice of its own; returns the plan's id. */
async function planBilled(pages: PageApp, contactId: string): Promise<string> {
  const { app } = pages
  const tenant = app.tenant.tenant_id
  const plan = await app.t.admin.query<{ id: string }>(
    `insert into plans (tenant_id, name, price_cents, currency, cycle, term_cycles) values ($1, 'Gold windows', 9900, 'USD', 'monthly', 12) returning id`,
    [tenant],
  )
  const sold = await app.t.admin.query<{ id: string }>(
    `insert into customer_plans (tenant_id, plan_id, contact_id, name, price_cents, currency, cycle, term_cycles, renews, starts_on, status)
     values ($1, $2, $3, 'Gold windows', 9900, 'USD', 'monthly', 12, true, '2031-02-01', 'active') returning id`,
    [tenant, plan.rows[0].id, contactId],
  )
  const owner = { tenantId: tenant, actor: { type: 'user' as const, id: app.tenant.owner_user_id, role: 'owner' as const } }
  await withTenant(app.t.db, { tenantId: tenant, actorType: 'user', actorId: owner.actor.id }, (tx) =>
    setPlanBilling(
      contextOf(app.services, owner, tx, 'plan-setup', null, () => {}),
      {
        customer_plan_id: sold.rows[0].id,
        contact_id: contactId,
        line_items: [{ description: 'Gold windows plan', quantity: 1, unit_price_cents: 9_900, taxable: false }],
        currency: 'USD',
        cycle: 'monthly',
        starts_on: '2031-02-01',
        ends_on: null,
      },
    ),
  )
  return sold.rows[0].id
}

describe.each(engines)("the owner's Recurring invoices, without JavaScript (%s)", (engine) => {
  let pages: PageApp
  let clock = NOW
  let customer: string
  let id: string
  beforeAll(async () => {
    pages = await startPageApp(engine, { now: () => clock, integrations: { stripe: null } })
    customer = await acme(pages)
  })
  afterAll(async () => {
    await pages.app.close()
  })

  it('is linked from Invoices, and found by the search', async () => {
    expect((await pages.owner.get('/invoices')).html).toContain('<a href="/recurring-invoices">Recurring invoices</a>')
    const empty = await pages.owner.get('/recurring-invoices')
    expect(empty.html).toContain('No recurring invoices yet.')
    expect(empty.html).toContain('Find the customer it bills.')
    const found = await pages.owner.get('/search?q=recurring+invoices')
    expect(found.html).toContain('href="/recurring-invoices"')
  })

  it('a wrong price is refused naming it, and nothing is set up', async () => {
    const form = await pages.owner.get(`/recurring-invoices?contact_id=${customer}`)
    expect(form.html).toContain('Customer: <b>Acme Offices</b>')
    const bad = await pages.owner.submit(form.html, '/recurring-invoices', [
      ['description_0', 'Office windows'],
      ['price_0', 'lots'],
      ['cycle', 'monthly'],
      ['starts_on', '2031-01-15'],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('Nothing was set up. price_0: expected an amount in dollars and cents such as 45.50, not &quot;lots&quot;')
    const early = await pages.owner.submit(form.html, '/recurring-invoices', [
      ['description_0', 'Office windows'],
      ['price_0', '240'],
      ['cycle', 'monthly'],
      ['starts_on', '2031-01-01'],
    ])
    expect(early.status).toBe(400)
    expect(early.html).toContain('must be today (2031-01-10) or later')
    expect(expectData(await pages.app.query({ type: 'recurring_invoices' })).items).toEqual([])
  })

  it('sets one up, lists it, and shows the invoices it issued with Pause and End', async () => {
    const form = await pages.owner.get(`/recurring-invoices?contact_id=${customer}`)
    const added = await pages.owner.submit(form.html, '/recurring-invoices', [
      ['description_0', 'Office windows, inside and out'],
      ['price_0', '240.00'],
      ['cycle', 'monthly'],
      ['starts_on', '2031-01-15'],
      ['due_days', '10'],
      ['notes', 'Thank you'],
    ])
    expect(added.status).toBe(303)
    id = /\/recurring-invoices\/([0-9a-f-]{36})\?done=made/.exec(added.location as string)?.[1] as string
    const page = await pages.owner.get(added.location as string)
    expect(page.html).toContain('Set up. Its first invoice is made and emailed on its first day.')
    expect(page.html).toContain('$240.00 a month')
    expect(page.html).toContain('<dt>Next invoice</dt><dd>January 15, 2031</dd>')
    expect(page.html).toContain('10 days after each period starts')
    expect(page.html).toContain('None yet.')
    expect(page.html).toContain(`action="/recurring-invoices/${id}/pause"`)
    expect(page.html).toContain(`action="/recurring-invoices/${id}/end"`)
    const list = await pages.owner.get('/recurring-invoices')
    expect(list.html).toContain(`<a href="/recurring-invoices/${id}">Acme Offices</a>`)
    expect(list.html).toContain('$240.00 a month · next invoice January 15, 2031 · active')

    clock = new Date('2031-01-15T15:00:00Z')
    await issueDueRecurringInvoices(pages.app.services)
    const [invoice] = expectData(await pages.app.query({ type: 'recurring_invoices', id })).invoices
    const issued = await pages.owner.get(`/recurring-invoices/${id}`)
    expect(issued.html).toContain(`<a href="/invoices/${invoice.id}">${invoice.number}</a>`)
    expect(issued.html).toContain('period from January 15, 2031 · sent · $240.00 due')
  })

  it('pauses, resumes and ends it', async () => {
    const page = await pages.owner.get(`/recurring-invoices/${id}`)
    const paused = await pages.owner.submit(page.html, `/recurring-invoices/${id}/pause`)
    const after = await pages.owner.get(paused.location as string)
    expect(after.html).toContain('Paused: no invoice is made until you resume it.')
    expect(after.html).toContain(`action="/recurring-invoices/${id}/resume"`)
    const resumed = await pages.owner.submit(after.html, `/recurring-invoices/${id}/resume`)
    expect((await pages.owner.get(resumed.location as string)).html).toContain('<dt>Next invoice</dt><dd>February 15, 2031</dd>')
    const ended = await pages.owner.submit(after.html, `/recurring-invoices/${id}/end`)
    const done = await pages.owner.get(ended.location as string)
    expect(done.html).toContain('Ended: no more invoices.')
    expect(done.html).not.toContain(`action="/recurring-invoices/${id}/`)
    const again = await pages.owner.submit(after.html, `/recurring-invoices/${id}/resume`)
    expect(again.status).toBe(409)
    expect(again.html).toContain('Nothing was changed. This recurring invoice has ended')
    expect((await pages.owner.get('/recurring-invoices')).html).toContain('<h2>Ended</h2>')
  })

  it("a plan's billing links to the plan instead of its own buttons", async () => {
    const planId = await planBilled(pages, customer)
    const [row] = expectData(await pages.app.query({ type: 'recurring_invoices', customer_plan_id: planId })).items
    const page = await pages.owner.get(`/recurring-invoices/${row.id}`)
    expect(page.html).toContain(`Billed by the plan <b>Gold windows</b>: <a href="/customer-plans/${planId}">change it on the plan</a>.`)
    expect(page.html).not.toContain(`action="/recurring-invoices/${row.id}/pause"`)
    // A Pause sent anyway (a stale tab) is refused by the action.
    const withForm = await pages.owner.get(`/recurring-invoices?contact_id=${customer}`)
    const refused = await pages.owner.post(`/recurring-invoices/${row.id}/pause`, [
      ['_csrf', /name="_csrf" value="([^"]+)"/.exec(withForm.html)?.[1] ?? ''],
    ])
    expect(refused.status).toBe(409)
    expect(refused.html).toContain('bills the plan &quot;Gold windows&quot;: change the plan instead')
  })
})

describe.skipIf(!browserAvailable)("the owner's Recurring invoices in Chromium at 390 px", () => {
  let pages: PageApp
  let browser: Browser
  let customer: string
  let id: string
  let clock = NOW
  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine, { now: () => clock, integrations: { stripe: null } })
    customer = await acme(pages)
    await pages.app.ownerAction('service', 'create', { name: 'Storefront glass', pricing: 'fixed', price_cents: 12_000 })
    id = (
      await pages.app.ownerAction('recurring_invoice', 'create', {
        contact_id: customer,
        cycle: 'quarterly',
        starts_on: '2031-01-10',
        line_items: [{ description: 'Office windows, inside and out, all four floors and the atrium', unit_price_cents: 72_000 }],
        notes: 'Thank you for your business',
      })
    ).id
    clock = new Date('2031-01-10T19:00:00Z')
    await issueDueRecurringInvoices(pages.app.services)
    await planBilled(pages, customer)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('the list with its New form and one recurring invoice fit the phone and pass axe', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      const list = await openOnPhone(tab, pages.app, `/recurring-invoices?contact_id=${customer}`)
      expect(await list.textContent('body')).toContain('New recurring invoice')
      const one = await openOnPhone(tab, pages.app, `/recurring-invoices/${id}`)
      expect(await one.textContent('body')).toContain('a quarter')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
