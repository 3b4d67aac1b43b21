import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JANE, SCREENS, WINDOWS } from '../../bench/lifecycle/business.js'
import { movableClock, runLifecycle, type LifecycleRun } from '../../bench/lifecycle/run.js'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { timeOnSite } from '../../core/domains/tickets/time-on-site.js'
import { addMonths, zonedInstant } from '../../core/vocabulary/time.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js'

describe.each(engines)("Appendix D, Jane Smith's lifecycle, run by a plain agent through MCP (%s)", (engine) => {
  const clock = movableClock()
  let app: TestApp
  let stripe: FakeStripe
  let run: LifecycleRun

  beforeAll(async () => {
    stripe = await startFakeStripe()
    stripe.now = () => clock.now()
    app = await startTestApp(engine, { now: () => clock.now() })
    app.services.integrations.stripe = createPaymentsClient({
      secretKey: 'sk_test_fake',
      webhookSecret: 'whsec_lifecycle',
      apiBase: stripe.url,
    })
    run = await runLifecycle({
      url: app.url,
      services: app.services,
      tenant: app.tenant,
      clock,
      mailbox: { deliverDue: () => deliverDue(app.services), received: (to) => app.email.sent.filter((m) => m.to === to) },
    })
    const { calls, initializeTokens, totalTokens } = run.agent
    process.stdout.write(
      `lifecycle (${engine}): ${calls.length} calls (${calls.map((c) => c.tool ?? c.method).join(', ')}), ` +
        `${totalTokens} tokens (tools/list ${calls[0].tokens}); initialize ${initializeTokens} tokens\n`,
    )
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await stripe?.close()
  })

  it('adds the new customer with her address and books her windows and 20 screens on Monday at 9:00; she confirmed, the technician closed it', async () => {
    const jane = expectData(await app.query({ type: 'contacts', id: run.outcome.contactId, include: 'addresses' }))
    expect(jane).toMatchObject({ display_name: JANE.name, email: JANE.email })
    expect(jane.addresses[0]).toMatchObject(JANE.address)
    const ticket = expectData(await app.query({ type: 'tickets', id: run.outcome.ticketId, include: 'line_items' }))
    expect(ticket.contact_name).toBe(JANE.name)
    expect(ticket.scheduled_start).toBe(zonedInstant(run.outcome.firstDay, '09:00', 'America/Chicago').toISOString())
    expect(ticket.confirmation_status).toBe('accepted')
    expect(ticket.status).toBe('completed')
    expect(ticket.actual_minutes).toBe(202)
    expect(ticket.line_items.map((l: any) => [l.description, l.quantity, l.price_cents])).toEqual([
      [WINDOWS, 1, 56_200],
      [SCREENS, 20, 10_000],
    ])
  })

  it("sends the invoice of that ticket for $662, whose email carries a payment link to Stripe's page", async () => {
    const invoice = expectData(await app.query({ type: 'invoices', id: run.outcome.invoiceId }))
    expect(invoice).toMatchObject({ ticket_id: run.outcome.ticketId, status: 'sent', subtotal_cents: 66_200 })
    await deliverDue(app.services)
    const mail = app.email.sent.filter((m) => m.to === JANE.email && m.text.includes(invoice.number)).at(-1)
    const link = mail?.text.match(/Pay online: (http\S+\/pay\/[\w-]+)/)?.[1]
    expect(link, mail?.text).toBeTruthy()
    // Pay on the invoice's page.
    const opened = await fetch(`${link}/checkout`, { redirect: 'manual' })
    expect(opened.status).toBe(303)
    expect(opened.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.test\//)
  })

  it('emails Jane the reach-out the technician chose, six months after the visit', async () => {
    const sent = expectData(await app.query({ type: 'scheduled_messages', contact_id: run.outcome.contactId, kind: 'reach_out' }))
    expect(sent.items).toHaveLength(1)
    expect(sent.items[0]).toMatchObject({ status: 'sent' })
    expect(sent.items[0].send_at.slice(0, 7)).toBe(addMonths(run.outcome.firstDay, 6).slice(0, 7))
  })

  it("books her again a year on, and the answer shows last year's 3h22m and the extension ladder", async () => {
    const next = expectData(await app.query({ type: 'tickets', id: run.outcome.nextTicketId }))
    expect(next).toMatchObject({ contact_name: JANE.name, status: 'scheduled' })
    expect(next.scheduled_start).toBe(zonedInstant(run.outcome.nextDay, '09:00', 'America/Chicago').toISOString())
    // Booked as long as the same work took (3h22m, to the half hour), not the catalog's 3h; at last year's price.
    expect((Date.parse(next.scheduled_end) - Date.parse(next.scheduled_start)) / 60_000).toBe(210)
    expect(next.totals.subtotal_cents).toBe(66_200)
    expect(run.outcome.lastVisit.time_on_site).toBe(timeOnSite(202))
    expect(run.outcome.lastVisit.note).toContain('extension ladder')
  })
})
