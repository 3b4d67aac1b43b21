import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../../core/auth/sessions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

const NO_SERVICES = '<h2>Your price list has no services</h2>'
const NO_WAY_TO_PAY = '<h2>Your invoices carry no way to pay</h2>'

describe.each(engines)("the owner's Home says what a business still lacks (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient
  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
    owner = await pageClient(app, 'owner@sparkle.test')
    // Customers came in (say, from a spreadsheet) but no price list: the business is past its first steps.
    expectData(await app.action('contact', 'create', { display_name: 'Jane Imported', email: 'jane.imported@example.com' }))
  })
  afterAll(async () => {
    await app?.close()
  })

  it('with customers but no services, Home says nothing can be booked by service and links to the price list and the import', async () => {
    const home = await owner.get('/')
    expect(home.status).toBe(200)
    expect(home.html).not.toContain('steps to start')
    const card = home.html.slice(home.html.indexOf(NO_SERVICES), home.html.indexOf('</div>', home.html.indexOf(NO_SERVICES)))
    expect(card).toContain(NO_SERVICES)
    expect(card).toContain('nothing can be booked by service until you add some')
    expect(card).toContain('<a href="/services">Add the services you offer</a>')
    expect(card).toContain('<a href="/import">import your item library</a> from Square')
    // Invoices are said too: payments off, no instructions.
    expect(home.html).toContain(NO_WAY_TO_PAY)
    // The price list page the link opens is where a service is added.
    const services = await owner.get('/services')
    expect(services.status).toBe(200)
    expect(services.html).toContain('Add a service')
  })

  it('each card goes once its gap is filled: a service added, payment instructions written', async () => {
    await app.ownerAction('service', 'create', {
      name: 'Window Cleaning',
      pricing: 'fixed',
      price_cents: 15000,
      default_duration_minutes: 60,
    })
    const withService = await owner.get('/')
    expect(withService.html).not.toContain(NO_SERVICES)
    expect(withService.html).toContain(NO_WAY_TO_PAY)
    await app.ownerAction('settings', 'update', { payment_instructions: 'Checks payable to Sparkle Windows' })
    const done = await owner.get('/')
    expect(done.html).not.toContain(NO_SERVICES)
    expect(done.html).not.toContain(NO_WAY_TO_PAY)
  })

  it("an empty business's first steps ask for services only while the catalog has none", async () => {
    const other = await app.createTenant('Empty Gutters')
    const cookie = await createSession(app.t.db, other.tenant_id, other.owner_user_id)
    const home = async () => {
      const r = await fetch(`${app.url}/`, { headers: { cookie: `crm_session=${cookie}` } })
      expect(r.status).toBe(200)
      return r.text()
    }
    const first = await home()
    expect(first).toContain('Five steps to start')
    expect(first).toContain('<a href="/services">Add the services you offer</a>, with their prices and lengths')
    // The welcome already says it: no second card about services.
    expect(first).not.toContain(NO_SERVICES)

    await app.t.admin.query(
      `insert into services (tenant_id, name, pricing, price_cents, default_duration_minutes) values ($1, 'Gutter Cleaning', 'fixed', 12000, 60)`,
      [other.tenant_id],
    )
    const withService = await home()
    expect(withService).toContain('Four steps to start')
    expect(withService).not.toContain('Add the services you offer')
    await app.t.admin.query(
      `update tenants set payment_instructions = 'Cash or check', reply_to_email = 'office@gutters.test' where id = $1`,
      [other.tenant_id],
    )
    const rest = await home()
    expect(rest).toContain('Two steps to start')
    for (const href of ['/import', '/customers/new']) expect(rest).toContain(`href="${href}"`)
  })
})
