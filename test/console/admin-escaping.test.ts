import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../helpers/session-browser.js'
import { allowAgentWords, made } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)('the settings, templates, team and token pages escape what records and requests put into them (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  let templateId: string

  beforeAll(async () => {
    app = await startTestApp(engine)
    // Pages and fields under test, not the owner's queue: the owner allowed the agent's words always.
    await allowAgentWords(app)
    await app.ownerAction('settings', 'update', { name: `Sparkle ${PAYLOAD}`, payment_instructions: `Pay by check: ${PAYLOAD}` })
    await addUser(app, 'tom@sparkle.test', 'technician', `Tom ${PAYLOAD}`)
    await made(app, 'contact', 'create', { display_name: `Jane ${PAYLOAD}`, email: 'jane@example.com' })
    templateId = (
      await made(app, 'template', 'create', {
        kind: 'reminder',
        name: `Mine ${PAYLOAD}`,
        subject: `Hi {{customer_name}} ${PAYLOAD}`,
        body: `Dear {{customer_name}}, from {{business_name}}: ${PAYLOAD}`,
      })
    ).id
    owner = await pageClient(app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('the More page with the business name and payment instructions, and a refused form echoing what was typed', async () => {
    const page = await owner.get('/settings')
    expectEscaped(page, 'settings')
    const refused = await owner.submit(page.html, '/settings', [
      ['name', PAYLOAD],
      ['timezone', 'America/Chicago'],
      ['hours_mon', PAYLOAD],
      ['currency', 'USD'],
      ['default_tax_rate', '0'],
      ['invoice_prefix', 'INV'],
      ['invoice_terms_days', '14'],
      ['follow_up_after_hours', '24'],
      ['follow_up_max', '1'],
      ['reminder_time', '09:00'],
    ])
    expect(refused.status).toBe(400)
    expectEscaped(refused, 'settings refused')
    const zone = await owner.submit(page.html, '/settings', [
      ['name', 'x'],
      ['timezone', PAYLOAD],
      ['currency', 'USD'],
      ['default_tax_rate', '0'],
      ['invoice_prefix', 'INV'],
      ['invoice_terms_days', '14'],
      ['follow_up_after_hours', '24'],
      ['follow_up_max', '1'],
      ['reminder_time', '09:00'],
    ])
    expect(zone.status).toBe(400)
    expectEscaped(zone, 'a hostile time zone')
  })

  it('the template list, a template with its preview for the hostile customer, a draft preview and the new-template form', async () => {
    expectEscaped(await owner.get('/settings/templates'), 'template list')
    const page = await owner.get(`/settings/templates/${templateId}`)
    expectEscaped(page, 'template')
    const forJane = await owner.get(`/settings/templates/${templateId}?customer=Jane`)
    expectEscaped(forJane, 'preview for the hostile customer')
    expect(forJane.html).toContain('Dear Jane &lt;script&gt;')
    expectEscaped(await owner.get(`/settings/templates/${templateId}?customer=${encodeURIComponent(PAYLOAD)}`), 'customer search echoed')
    const draft = await owner.submit(page.html, `/settings/templates/${templateId}`, [
      ['name', PAYLOAD],
      ['subject', PAYLOAD],
      ['body', `${PAYLOAD} {{${'x'}}}`],
      ['intent', 'preview'],
    ])
    expectEscaped(draft, 'draft preview')
    const refused = await owner.submit(page.html, `/settings/templates/${templateId}`, [
      ['name', PAYLOAD],
      ['subject', PAYLOAD],
      ['body', `${PAYLOAD} {{oops}}`],
      ['intent', 'save'],
    ])
    expect(refused.status).toBe(400)
    expectEscaped(refused, 'refused template')
    const created = await owner.submit((await owner.get('/settings/templates/new?kind=custom')).html, '/settings/templates', [
      ['name', PAYLOAD],
      ['subject', PAYLOAD],
      ['body', `${PAYLOAD} {{nope}}`],
      ['intent', 'save'],
    ])
    expect(created.status).toBe(400)
    expectEscaped(created, 'refused new template')
  })

  it('the team with a hostile name, and the add form echoing a refused name', async () => {
    const page = await owner.get('/team')
    expectEscaped(page, 'team')
    const refused = await owner.submit(page.html, '/team', [
      ['name', PAYLOAD],
      ['email', 'not an email'],
      ['role', 'technician'],
    ])
    expect(refused.status).toBe(400)
    expectEscaped(refused, 'team refused')
  })

  it('the connected apps list and the new token page with a hostile name', async () => {
    const page = await owner.get('/review/connections')
    const shown = await owner.submit(page.html, '/review/connections/new', [['name', PAYLOAD]])
    expect(shown.status).toBe(200)
    expectEscaped(shown, 'new token')
    expectEscaped(await owner.get('/review/connections'), 'connections')
  })
})
