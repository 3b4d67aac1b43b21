import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outboxEmailClient } from '../../core/clients/email.js'
import { issuePayLink } from '../../core/domains/invoices/pay-links.js'
import { issueResponseLinks } from '../../core/domains/messages/response-links.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { addUser } from '../helpers/session-browser.js'
import { allowAgentWords, asTenant, made } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { BREAKOUT, ESCAPED, expectEscaped, PAYLOAD, QUOTE, SCRIPT } from '../helpers/hostile-markup.js'
import { NOW, pageClient, type PageClient, type PageResponse } from '../helpers/technician-fixture.js'

describe.each(engines)('every page escapes what records and requests put into it (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  let tom: PageClient
  let contactId: string
  let ticketId: string
  let laterId: string

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    // Pages and fields under test, not the owner's queue: the owner allowed the agent's words always.
    await allowAgentWords(app)
    app.services.integrations.stripe = null
    const techId = await addUser(app, 'tom@sparkle.test', 'technician', `Tom ${PAYLOAD}`)
    await app.ownerAction('settings', 'update', { name: `Sparkle ${PAYLOAD}`, payment_instructions: `Pay by check: ${PAYLOAD}` })
    const serviceId = (
      await made(app, 'service', 'create', {
        name: `Windows ${PAYLOAD}`,
        pricing: 'fixed',
        price_cents: 15000,
        default_duration_minutes: 60,
      })
    ).id
    contactId = (
      await made(app, 'contact', 'create', { display_name: `Jane ${PAYLOAD}`, email: 'jane@example.com', phone: '(256) 555-0142' })
    ).id
    const addressId = (
      await made(app, 'address', 'add', {
        contact_id: contactId,
        line1: `12 ${PAYLOAD}`,
        city: `Huntsville ${PAYLOAD}`,
        state: 'AL',
        postal_code: '35801',
        access_notes: `Gate ${PAYLOAD}`,
      })
    ).id
    await made(app, 'attribute', 'set', { contact_id: contactId, key: 'gate_code', value: PAYLOAD })
    const book = async (start: string) =>
      (
        await made(app, 'ticket', 'create', {
          contact_id: contactId,
          address_id: addressId,
          scheduled_start: start,
          duration_minutes: 60,
          technician_ids: [techId],
          line_items: [{ service_id: serviceId }],
          notes: `Notes ${PAYLOAD}`,
        })
      ).id as string
    ticketId = await book('2026-11-05T09:00')
    laterId = await book('2026-11-20T10:00')
    owner = await pageClient(app, 'owner@sparkle.test')
    tom = await pageClient(app, 'tom@sparkle.test')
  })
  afterAll(async () => {
    await app?.close()
  })

  it("the technician's Today, week, month, ticket, calendar and home pages", async () => {
    for (const path of ['/today', '/today?view=week', `/tickets/${ticketId}`]) expectEscaped(await tom.get(path), path)
    expectEscaped(await tom.get('/today?view=month'), 'month', false)
    expectEscaped(await tom.get('/'), 'home')
    const calendar = await tom.get('/calendar')
    expect((await tom.submit(calendar.html, '/calendar', [['for', 'me']])).status).toBe(200)
    expectEscaped(await owner.get('/calendar'), "the owner's calendar page, naming the technician")
    expectEscaped(await owner.get('/today'), "the owner's Today")
  })

  it("every close-out step, from the services done to the skipped payment's note", async () => {
    const path = (step: string) => `/tickets/${ticketId}/closeout/${step}`
    const step = async (name: string, fields: Array<[string, string]>, shown = true): Promise<PageResponse> => {
      const page = await tom.get(path(name))
      expectEscaped(page, `close-out ${name}`, shown)
      const sent = await tom.submit(page.html, path(name), fields)
      expect(sent.status, `${name}: ${sent.html.slice(0, 300)}`).toBe(303)
      return sent
    }
    expect((await tom.get(`/tickets/${ticketId}/closeout`)).status).toBe(303)
    await step('work', [
      ['duration_minutes', '60'],
      ['quantity_0', '1'],
      ['op', 'confirm'],
    ])
    // The notes step shows the ticket's notes only once saved: saving them is what puts them on the later steps.
    const notes = await tom.get(path('notes'))
    expectEscaped(notes, 'close-out notes', false)
    expect((await tom.submit(notes.html, path('notes'), [['notes', `Seen ${PAYLOAD}`]])).status).toBe(303)
    expectEscaped(await tom.get(path('notes')), 'close-out notes, saved')
    await step('next', [['kind', 'none']], false)
    await step('confirm', [
      ['man_key_0', 'pet'],
      ['man_value_0', PAYLOAD],
    ])
    await step('complete', [])
    await step(
      'payment',
      [
        ['payment', 'skip'],
        ['skip_reason', 'other'],
        ['note', PAYLOAD],
      ],
      false,
    )
    expectEscaped(await tom.get(path('payment')), 'the skipped payment with its note')
  })

  it("the owner's review queue, card, edit page, Allow Always step, history with the denial note, and permissions", async () => {
    await app.t.admin.query(
      `insert into permission_overrides (tenant_id, action_key, permission) values ($1, 'ticket.cancel', 'requires_authorization')`,
      [app.tenant.tenant_id],
    )
    const queued = await app.action(
      'ticket',
      'cancel',
      { ticket_id: laterId, reason: `Moved ${PAYLOAD}` },
      { reasoning: `Because ${PAYLOAD}` },
    )
    expect(queued.status).toBe(202)
    const requestId = queued.body.data.request_id as string
    const queue = await owner.get('/review')
    expectEscaped(queue, 'the queue')
    expectEscaped(await owner.get(`/review/${requestId}/edit`), 'the edit page')
    expectEscaped(await owner.post(`/review/${requestId}`, [...csrfOf(queue.html), ['decision', 'allow_always']]), 'the Allow Always step')
    const denied = await owner.post(`/review/${requestId}`, [
      ...csrfOf(queue.html),
      ['decision', 'deny'],
      ['reason', 'other'],
      ['note', `No: ${PAYLOAD}`],
    ])
    expect(denied.status).toBe(303)
    const history = await owner.get('/review/history')
    expectEscaped(history, 'the history')
    expect(history.html).toContain(`No: ${ESCAPED[0]}`)
    expectEscaped(await owner.get(`/review/permissions?done=${encodeURIComponent(PAYLOAD)}`), 'permissions with a forged done=', false)
  })

  it('the scheduled emails, with a customer search typed in, and the outbox', async () => {
    await made(app, 'message', 'schedule', {
      contact_id: contactId,
      kind: 'custom',
      subject: `Hello ${PAYLOAD}`,
      body: 'See you soon',
      send_at: '2026-12-01T15:00:00Z',
    })
    expectEscaped(await owner.get('/messages'), 'the scheduled emails')
    expectEscaped(await owner.get(`/messages?customer=${encodeURIComponent(PAYLOAD)}`), 'the search box')
    await outboxEmailClient(app.t.db, app.services.config).send({
      to: 'jane@example.com',
      subject: `Kept ${PAYLOAD}`,
      text: `Body ${PAYLOAD}`,
      tenantId: app.tenant.tenant_id,
    })
    expectEscaped(await owner.get('/messages/outbox'), 'the outbox')
  })

  it("the import's dry run: the file name, its column names and its rows", async () => {
    const csv = `Full name,Email,"Colour ${BREAKOUT.replace(/"/g, '""')}"\n"${PAYLOAD.replace(/"/g, '""')}",ann@example.com,red\n`
    const form = new FormData()
    form.append('_csrf', csrfOf((await owner.get('/import')).html)[0][1])
    form.append('kind', 'csv_customers')
    form.append('source', 'csv')
    form.append('file', new Blob([csv], { type: 'text/csv' }), `list ${SCRIPT} ${QUOTE}.csv`)
    const sent = await fetch(`${app.url}/import`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { cookie: `crm_session=${owner.cookie}` },
    })
    expect(sent.status, await sent.text()).toBe(303)
    // The page follows the dry run (the file's name shown escaped while it runs) until its report is there.
    let dry = await owner.get(sent.headers.get('location')!)
    for (let i = 0; i < 600 && dry.html.includes('http-equiv="refresh"'); i++) {
      expect(dry.html).toContain(`Checking list ${ESCAPED[0]} ${ESCAPED[2]}.csv`)
      await new Promise((resolve) => setTimeout(resolve, 50))
      dry = await owner.get(sent.headers.get('location')!)
    }
    expectEscaped(dry, 'the dry run')
    expect(dry.html).toContain(`list ${ESCAPED[0]} ${ESCAPED[2]}.csv`)
  })

  it("the customer's answer pages and the pay link page", async () => {
    const message = expectData(await app.query({ type: 'scheduled_messages', ticket_id: laterId, kind: 'confirmation', status: 'pending' }))
      .items[0]
    const links = await asTenant(app, (tx) =>
      issueResponseLinks(tx, app.services, app.tenant.tenant_id, { id: message.id, kind: message.kind, ticket_id: message.ticket_id }),
    )
    const open = async (url: string, body?: URLSearchParams) => {
      const r = await fetch(url, { method: body ? 'POST' : 'GET', body, redirect: 'manual' })
      return { status: r.status, html: await r.text() }
    }
    expectEscaped(await open(String(links.decline_link)), 'the decline page')
    expectEscaped(await open(String(links.decline_link), new URLSearchParams({ answer: 'decline', note: PAYLOAD })), 'the thank-you page')
    expectEscaped(await open(String(links.decline_link)), 'the used link')
    const invoice = await made(app, 'invoice', 'create', {
      contact_id: contactId,
      line_items: [{ description: `Gutters ${PAYLOAD}`, unit_price_cents: 5000 }],
    })
    const payLink = await asTenant(app, (tx) => issuePayLink(tx, app.services, app.tenant.tenant_id, invoice.id))
    expectEscaped(await open(payLink), 'the pay link while payments are off')
    expectEscaped(await open(`${app.url}/payments/thank-you?invoice=${encodeURIComponent(PAYLOAD)}`), 'the payment thank-you page', false)
  })
})

/** The CSRF field of the first form on a page. */
function csrfOf(html: string): Array<[string, string]> {
  const token = html.match(/name="_csrf" value="([^"]+)"/)?.[1]
  expect(token, 'a CSRF token on the page').toBeTruthy()
  return [['_csrf', token!]]
}
