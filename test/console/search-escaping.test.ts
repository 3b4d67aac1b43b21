import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { made } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { BREAKOUT, ESCAPED, expectEscaped, PAYLOAD, SCRIPT } from '../helpers/hostile-markup.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)('the search page escapes what records and the query put into it (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient

  beforeAll(async () => {
    app = await startTestApp(engine)
    const contactId = (
      await made(app, 'contact', 'create', { display_name: `Jane ${PAYLOAD}`, email: 'jane@example.com', phone: '(256) 555-0142' })
    ).id
    await made(app, 'address', 'add', {
      contact_id: contactId,
      line1: `12 Elm ${PAYLOAD}`,
      city: `Huntsville ${PAYLOAD}`,
      state: 'AL',
      postal_code: '35801',
    })
    await made(app, 'note', 'add', { contact_id: contactId, content: `Gate code under the mat ${PAYLOAD}` })
    const serviceId = (
      await made(app, 'service', 'create', { name: 'Windows', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
    ).id
    const ticket = await made(app, 'ticket', 'create', {
      contact_id: contactId,
      scheduled_start: '2026-12-01T09:00',
      duration_minutes: 60,
      line_items: [{ service_id: serviceId }],
    })
    await made(app, 'invoice', 'create_from_ticket', { ticket_id: ticket.id })
    await made(app, 'lead', 'create', {
      raw_notes: `Wants gutters ${PAYLOAD}`,
      name: `Janet ${PAYLOAD}`,
      service_interest: `Gutters ${PAYLOAD}`,
    })
    owner = await pageClient(app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('escapes names, addresses, notes, visits, invoices and leads in the results', async () => {
    const page = await owner.get('/search?q=Jane')
    expectEscaped(page, 'results for Jane')
    expect(page.html).toContain('/customers/')
    expect(page.html).toContain('/tickets/')
    expect(page.html).toContain('/invoices/')
    expect(page.html).toContain('/leads/')
    expectEscaped(await owner.get('/search?q=Elm'), 'a street hit')
    expectEscaped(await owner.get('/search?q=mat'), 'a note hit')
    expectEscaped(await owner.get('/search'), 'recent customers')
  })

  it('escapes the query it echoes back, in the box and in the answer', async () => {
    const page = await owner.get(`/search?q=${encodeURIComponent(PAYLOAD)}`)
    expectEscaped(page, 'the query echoed')
    expect(page.html).toContain(`value="${ESCAPED.join(' ')}"`)
    const none = await owner.get(`/search?q=${encodeURIComponent(`zzqv ${PAYLOAD}`)}`)
    expectEscaped(none, 'nothing found for the query')
    const tooLong = await owner.get(`/search?q=${encodeURIComponent(PAYLOAD.repeat(3))}`)
    expect(tooLong.status).toBe(400)
    expectEscaped(tooLong, 'a query too long')
  })

  it('escapes the list sent as you type', async () => {
    const part = await owner.get('/search?partial=1&q=Jane')
    expect(part.status).toBe(200)
    for (const raw of [SCRIPT, BREAKOUT, '<img src=x']) expect(part.html).not.toContain(raw)
    for (const escaped of ESCAPED) expect(part.html).toContain(escaped)
  })
})
