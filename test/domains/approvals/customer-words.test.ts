import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { PAYMENT_INSTRUCTIONS, settings, signedIn, type SignedIn, letters } from '../../helpers/fixtures.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { formHtml, pageClient, reviewCardOf, type PageClient } from '../../helpers/technician-fixture.js'
import { addUser } from '../../helpers/session-browser.js'

// Each reproduction of what a stolen or prompt-injected agent token could do, tried through the API and MCP.
const IBAN = 'PAY ONLY BY WIRE TO IBAN GB33 BUKB 2020 1555 5555 55'
const why = { reasoning: 'The customer asked for it' }

describe.each(engines)('words an agent writes for customers wait for the owner (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let page: PageClient
  let mcp: Client
  let jane: string
  let customers = 0

  beforeAll(async () => {
    app = await startTestApp(engine)
    await settings(app, { reply_to_email: 'office@sparkle.test', payment_instructions: PAYMENT_INSTRUCTIONS })
    owner = await signedIn(app, app.tenant.owner_user_id)
    page = await pageClient(app, 'owner@sparkle.test')
    mcp = await connectMcp(app.url, app.tenant.agent_token)
    jane = expectData(await app.action('contact', 'create', { display_name: 'Jane Words', email: 'jane.words@example.com' })).id
  })
  afterAll(async () => {
    await mcp?.close()
    await app?.close()
  })

  const pending = async () => expectData(await app.query({ type: 'authorization_requests', status: 'pending', limit: 100 })).items.length
  const request = async (id: string) => expectData(await app.query({ type: 'authorization_requests', id }))
  const decide = (request_id: string, decision: string) => owner.action('authorization', 'decide', { request_id, decision })
  const templates = async (kind: string) =>
    expectData(await app.query({ type: 'templates', kind, limit: 100 })).items.map((t: any) => `${t.name}:${t.is_default}`)
  const invoiceFor = async (contactId = jane) =>
    expectData(
      await owner.action('invoice', 'create', {
        contact_id: contactId,
        line_items: [{ description: 'Windows', unit_price_cents: 25_000 }],
      }),
    )
  const newCustomer = async () => {
    customers += 1
    return expectData(
      await app.action('contact', 'create', { display_name: `Cal Words ${letters(customers)}`, email: `cal${customers}@example.com` }),
    ).id as string
  }

  it('rewriting the invoice email with bank details waits for the owner every time; the email keeps the way to pay the owner set', async () => {
    const before = await templates('invoice')
    const call = {
      kind: 'invoice',
      name: 'Bank change',
      subject: 'Invoice {{invoice_number}}',
      body: `Hello {{customer_first_name}}, ${IBAN}. Total {{invoice_total}}.`,
      is_default: true,
    }
    const refused = await app.action('template', 'create', call)
    expectError(refused, 422, 'REASONING_REQUIRED')
    expect(refused.body.error.message).toMatch(
      /needs the owner's approval every time, because it points customers at a phone, address, link, name or account that is not the business's own and talks about paying, .*where customers read it \(in body: .*an IBAN/,
    )
    const queued = await app.action('template', 'create', call, why)
    expect(queued.status).toBe(202)
    expect(await templates('invoice')).toEqual(before)
    const asked = await request(queued.body.data.request_id)
    expect(asked.preview.asks_every_time[0]).toMatch(/not the business's own/)
    expect(asked.preview.texts[0].after).toContain('IBAN GB33')
    expect(asked.preview.texts[0].before).toContain(PAYMENT_INSTRUCTIONS)

    const review = (await page.get('/review')).html
    const card = reviewCardOf(review, queued.body.data.request_id)
    expect(card).toContain('IBAN GB33 BUKB')
    expect(card).toContain('there is no Allow Always')
    expect(formHtml(review, `/review/${queued.body.data.request_id}`)).not.toContain('value="allow_always"')
    const always = await decide(queued.body.data.request_id, 'allow_always')
    expectError(always, 400, 'VALIDATION_ERROR')
    expect(always.body.error.message).toContain('allow_always cannot apply')

    // The owner's own invoice email still says how to pay the owner, and nothing else.
    const invoice = await invoiceFor()
    expectData(await owner.action('invoice', 'send', { invoice_id: invoice.id }))
    await deliverDue({ ...app.services, now: () => new Date(Date.now() + 60_000) })
    const mail = app.email.sent.filter((m) => m.to === 'jane.words@example.com').at(-1)!
    expect(mail.text).toContain(PAYMENT_INSTRUCTIONS)
    expect(mail.text).not.toContain('IBAN')
  })

  it('changing the default follow-up or reach-out wording, or the default itself, waits with the words before and after; Allow Always then lets ordinary words through, never payment directions', async () => {
    const followUp = expectData(await app.query({ type: 'templates', kind: 'follow_up', limit: 10 })).items.find((t: any) => t.is_default)
    const change = { template_id: followUp.id, body: 'Hi {{customer_first_name}}, please confirm {{appointment_date}}: {{confirm_link}}' }
    const queued = await app.action('template', 'update', change, why)
    expect(queued.status).toBe(202)
    const text = (await request(queued.body.data.request_id)).preview.texts[0]
    expect(text.before).toContain('We have not heard back about your appointment')
    expect(text.after).toContain('Hi Jane, please confirm')
    const card = reviewCardOf((await page.get('/review')).html, queued.body.data.request_id)
    expect(card).toContain('Now:')
    expect(card).toContain('We have not heard back about your appointment')
    expect(card).not.toContain('there is no Allow Always')

    const reachOut = expectData(await app.query({ type: 'templates', kind: 'reach_out', limit: 10 })).items.find((t: any) => t.is_default)
    expect((await app.action('template', 'update', { template_id: reachOut.id, subject: 'Come back!' }, why)).status).toBe(202)
    const spare = expectData(
      await owner.action('template', 'create', {
        kind: 'reach_out',
        name: 'Spring',
        subject: 'Spring',
        body: 'Spring is here, {{customer_first_name}}',
      }),
    )
    const made = await app.action('template', 'set_default', { template_id: spare.id }, why)
    expect(made.status).toBe(202)
    expect((await request(made.body.data.request_id)).preview.texts[0]).toMatchObject({
      before: expect.stringContaining('It has been about'),
      after: expect.stringContaining('Spring is here, Jane'),
    })

    expect(expectData(await decide(queued.body.data.request_id, 'allow_always')).status).toBe('executed')
    expectData(await app.action('template', 'update', { template_id: followUp.id, subject: 'Still on for {{appointment_date}}?' }))
    const zelle = await app.action(
      'template',
      'update',
      { template_id: followUp.id, body: 'Pay by Zelle to billing@elsewhere.example' },
      why,
    )
    expect(zelle.status).toBe(202)
    expect((await request(zelle.body.data.request_id)).preview.asks_every_time[0]).toMatch(/a payment service, "Zelle"/)
  })

  it('a custom email with new bank details waits every time and nothing is delivered; an ordinary one waits until the owner allows such emails always', async () => {
    const sent = app.email.sent.length
    const bank = await app.action(
      'message',
      'schedule',
      { contact_id: jane, kind: 'custom', subject: 'Our bank details changed', body: IBAN },
      why,
    )
    expect(bank.status).toBe(202)
    await deliverDue({ ...app.services, now: () => new Date(Date.now() + 60_000) })
    expect(app.email.sent.slice(sent).filter((m) => m.to === 'jane.words@example.com')).toEqual([])
    const plain = await app.action('message', 'schedule', { contact_id: jane, kind: 'custom', body: 'See you Tuesday!' }, why)
    expect(plain.status).toBe(202)
    expect((await request(plain.body.data.request_id)).preview.texts[0].after).toContain('See you Tuesday!')
    // A standing rule lets ordinary emails go out without asking; bank details still wait, and nothing lifts that.
    const rule = expectData(await owner.action('standing_rule', 'create', { action: 'message.schedule' }))
    expect(
      expectData(await app.action('message', 'schedule', { contact_id: jane, kind: 'custom', body: 'Running 10 minutes late' }, why))
        .status,
    ).toBe('pending')
    expect((await app.action('message', 'schedule', { contact_id: jane, kind: 'custom', body: IBAN }, why)).status).toBe(202)
    expectData(await owner.action('standing_rule', 'revoke', { rule_id: rule.id }))
  })

  it("rewriting an email the owner scheduled waits, with the customer's email before and after on the card", async () => {
    const mine = expectData(
      await owner.action('message', 'schedule', {
        contact_id: jane,
        kind: 'custom',
        body: 'Thanks for choosing us.',
        send_at: '2031-01-01T15:00:00Z',
      }),
    )
    const changed = await app.action(
      'message',
      'update',
      { message_id: mine.id, body: 'Use our new account: routing 021000021, account 12345678.' },
      why,
    )
    expect(changed.status).toBe(202)
    const asked = await request(changed.body.data.request_id)
    expect(asked.preview.texts[0].before).toContain('Thanks for choosing us.')
    expect(asked.preview.texts[0].after).toContain('routing 021000021')
    expect(asked.preview.asks_every_time.length).toBeGreaterThan(0)
    expect(expectData(await app.query({ type: 'scheduled_messages', id: mine.id })).body).toBe('Thanks for choosing us.')
  })

  it('notes with payment directions on an invoice, a quote or an offer of times wait every time, and nothing is made meanwhile', async () => {
    const customer = await newCustomer()
    const notes = 'Our bank changed: pay by wire to IBAN DE89 3704 0044 0532 0130 00'
    const invoice = await app.action(
      'invoice',
      'create',
      { contact_id: customer, line_items: [{ description: 'Windows', unit_price_cents: 25_000 }], notes },
      why,
    )
    expect(invoice.status).toBe(202)
    expect(expectData(await app.query({ type: 'invoices', contact_id: customer })).items).toEqual([])
    const quote = await app.action(
      'quote',
      'create',
      { contact_id: customer, line_items: [{ description: 'Windows', unit_price_cents: 25_000 }], notes },
      why,
    )
    expect(quote.status).toBe(202)
    const service = expectData(await owner.action('service', 'create', { name: 'Gutters', pricing: 'fixed', price_cents: 9_000 }))
    const tech = await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Words')
    const wednesday = new Date(Date.now() + 60 * 86_400_000)
    while (wednesday.getUTCDay() !== 3) wednesday.setUTCDate(wednesday.getUTCDate() + 1)
    const day = wednesday.toISOString().slice(0, 10)
    const offer = await app.action(
      'slot_offer',
      'send',
      {
        contact_id: customer,
        service_ids: [service.id],
        slots: ['10:00', '13:00'].map((time) => ({ start: `${day}T${time}`, technician_id: tech })),
        note: 'Venmo @cleaner-deals to hold your slot',
      },
      why,
    )
    expect(offer.status).toBe(202)
    for (const id of [invoice.body.data.request_id, quote.body.data.request_id, offer.body.data.request_id]) {
      expect((await request(id)).preview.asks_every_time[0]).toMatch(/in (notes|note)/)
    }
    // A line's description is read by customers too: payment directions there wait, an ordinary one goes through.
    const line = await app.action(
      'invoice',
      'create',
      { contact_id: customer, line_items: [{ description: 'Zelle the balance to 256-555-0199', unit_price_cents: 100 }] },
      why,
    )
    expect(line.status).toBe(202)
    expect(
      expectData(
        await app.action('invoice', 'create', { contact_id: customer, line_items: [{ description: 'Screens', unit_price_cents: 100 }] }),
      ).number,
    ).toMatch(/^INV-/)
  })

  it('an agent cannot make debt disappear: credit, more than is due, or a payment on an invoice the owner just sent waits for the owner every time', async () => {
    const customer = await newCustomer()
    const invoice = await invoiceFor(customer)
    const big = { invoice_id: invoice.id, amount_cents: 2_000_000, method: 'other', accept_credit: true }
    expectError(await app.action('invoice', 'record_payment', big), 422, 'REASONING_REQUIRED')
    const queued = await app.action('invoice', 'record_payment', big, why)
    expect(queued.status).toBe(202)
    const asked = await request(queued.body.data.request_id)
    expect(asked.preview.asks_every_time[0]).toMatch(/records \$20,000\.00 on invoice INV-\d{4}-\d{4}, more than the \$250\.00 due/)
    expectError(await decide(queued.body.data.request_id, 'allow_always'), 400, 'VALIDATION_ERROR')
    expect(expectData(await app.query({ type: 'invoices', id: invoice.id })).amount_paid_cents).toBe(0)

    // Sent by the owner a moment ago: an agent's "she paid" waits for the owner.
    expectData(await owner.action('invoice', 'send', { invoice_id: invoice.id }))
    const paid = await app.action('invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 25_000, method: 'cash' }, why)
    expect(paid.status).toBe(202)
    expect((await request(paid.body.data.request_id)).preview.asks_every_time[0]).toMatch(/which you sent less than an hour ago/)

    // An ordinary payment on an invoice nobody just sent runs with reasoning, and only with it.
    const other = await invoiceFor(customer)
    expectError(
      await app.action('invoice', 'record_payment', { invoice_id: other.id, amount_cents: 5_000, method: 'check' }),
      422,
      'REASONING_REQUIRED',
    )
    expect(
      expectData(await app.action('invoice', 'record_payment', { invoice_id: other.id, amount_cents: 5_000, method: 'check' }, why)).invoice
        .status,
    ).toBe('partially_paid')
    expectError(await app.action('message', 'stop_follow_ups', { invoice_id: other.id }), 422, 'REASONING_REQUIRED')
    expectData(await app.action('message', 'stop_follow_ups', { invoice_id: other.id }, why))
  })

  it('a name customers read that carries payment words, a channel or a digit waits every time; an ordinary name is added at once', async () => {
    const before = await pending()
    const fraud = await app.action('contact', 'create', { display_name: 'Pay by Zelle to 256-555-0199' }, why)
    expect(fraud.status).toBe(202)
    expect(await pending()).toBe(before + 1)
    const numbered = await app.action('contact', 'create', { display_name: 'Gate code 4821# Smith' })
    expectError(numbered, 422, 'REASONING_REQUIRED')
    expect(numbered.body.error.message).toMatch(
      /puts a number in a name, where customers read it \(in display_name: a number in a name, "4821"\)/,
    )
    expect(expectData(await app.action('contact', 'create', { display_name: "Mary-Kate O'Neil" })).display_name).toBe("Mary-Kate O'Neil")
  })

  it('through MCP: the tools say which words the owner reviews, and a template with bank details waits', async () => {
    const described = toolJson(await mcp.callTool({ name: 'crm_capabilities', arguments: { action: 'template.create' } })).json
    expect(described.hints).toContain('review:subject,body')
    expect(described.customer_text).toMatch(/words about paying, and a digit in a name wait for the owner every time/)
    const queued = toolJson(
      await mcp.callTool({
        name: 'crm_action',
        arguments: {
          domain: 'template',
          action: 'create',
          data: { kind: 'invoice_reminder', name: 'New bank', subject: 'Reminder', body: `Hi {{customer_first_name}}. ${IBAN}` },
          reasoning: 'The owner asked for new wording',
        },
      }),
    ).json
    expect(queued).toMatchObject({ status: 'pending_authorization' })
    const status = toolJson(await mcp.callTool({ name: 'crm_authorization_status', arguments: { request_id: queued.request_id } })).json
    expect(status.status).toBe('pending')
  })

  it('through MCP, each of the reproductions waits for the owner or is asked for reasoning, and nothing changes', async () => {
    const act = async (domain: string, action: string, data: Record<string, unknown>, reasoning?: string) =>
      toolJson(await mcp.callTool({ name: 'crm_action', arguments: { domain, action, data, ...(reasoning ? { reasoning } : {}) } }))
    const customer = await newCustomer()
    const invoice = await invoiceFor(customer)
    const followUp = expectData(await app.query({ type: 'templates', kind: 'follow_up', limit: 10 })).items.find((t: any) => t.is_default)
    const spare = expectData(
      await owner.action('template', 'create', {
        kind: 'follow_up',
        name: 'Spare follow-up',
        subject: 'Hi',
        body: 'Hi {{customer_first_name}}',
      }),
    )
    const mine = expectData(
      await owner.action('message', 'schedule', { contact_id: customer, kind: 'custom', body: 'Thanks!', send_at: '2031-01-01T15:00:00Z' }),
    )
    const line = [{ description: 'Windows', unit_price_cents: 25_000 }]
    const waits: Array<[string, string, Record<string, unknown>]> = [
      ['template', 'create', { kind: 'invoice', name: 'Wire', subject: 'Invoice', body: IBAN, is_default: true }],
      // The owner allowed template changes always above: payment directions still wait.
      ['template', 'update', { template_id: followUp.id, body: 'Please confirm, then Zelle the deposit to 256-555-0199' }],
      ['template', 'set_default', { template_id: spare.id }],
      ['message', 'schedule', { contact_id: customer, kind: 'custom', subject: 'Our bank details changed', body: IBAN }],
      ['message', 'update', { message_id: mine.id, body: IBAN }],
      ['invoice', 'create', { contact_id: customer, line_items: line, notes: IBAN }],
      ['quote', 'create', { contact_id: customer, line_items: line, notes: IBAN }],
      ['invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 2_000_000, method: 'other', accept_credit: true }],
    ]
    for (const [domain, action, data] of waits) {
      const asked = await act(domain, action, data, 'The customer asked')
      expect(asked.json, `${domain}.${action}`).toMatchObject({ status: 'pending_authorization' })
    }
    for (const [domain, action, data] of [
      ['invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 100, method: 'cash' }],
      ['message', 'stop_follow_ups', { invoice_id: invoice.id }],
    ] as const) {
      const refused = await act(domain, action, data)
      expect(refused.isError, `${domain}.${action}`).toBe(true)
      expect(JSON.stringify(refused.json)).toContain('REASONING_REQUIRED')
    }
    expect(expectData(await app.query({ type: 'invoices', id: invoice.id })).amount_paid_cents).toBe(0)
    expect(expectData(await app.query({ type: 'scheduled_messages', id: mine.id })).body).toBe('Thanks!')
  })
})
