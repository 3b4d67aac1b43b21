import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JANE } from '../../bench/lifecycle/business.js'
import { movableClock, runLifecycle, type LifecycleRun } from '../../bench/lifecycle/run.js'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { addMonths } from '../../core/time.js'
import { expectData } from '../api/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js'

describe.each(engines)("Jane Smith's lifecycle run by a plain agent through MCP (%s)", (engine) => {
  const clock = movableClock()
  let app: TestApp
  let stripe: FakeStripe
  let run: LifecycleRun

  beforeAll(async () => {
    stripe = await startFakeStripe()
    stripe.now = () => clock.now()
    app = await startTestApp(engine, { now: () => clock.now() })
    app.services.payments = createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: 'whsec_lifecycle', apiBase: stripe.url })
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

  it('books the job the customer confirmed by her emailed link, and the technician closed it', async () => {
    const ticket = expectData(await app.query({ type: 'tickets', id: run.outcome.ticketId, include: 'line_items' }))
    expect(ticket.contact_name).toBe(JANE.name)
    expect(ticket.confirmation_status).toBe('accepted')
    expect(ticket.status).toBe('completed')
    expect(ticket.actual_minutes).toBe(110)
    expect(ticket.line_items.map((l: any) => l.description)).toEqual(['Gutter Cleaning'])
  })

  it("sends the invoice of that ticket, whose email carries a payment link to Stripe's page", async () => {
    const invoice = expectData(await app.query({ type: 'invoices', id: run.outcome.invoiceId }))
    expect(invoice).toMatchObject({ ticket_id: run.outcome.ticketId, status: 'sent', total_cents: expect.any(Number) })
    expect(invoice.total_cents).toBeGreaterThanOrEqual(18_000)
    clock.jumpTo(new Date(clock.now().getTime() + 60_000))
    await deliverDue(app.services)
    const mail = app.email.sent.filter((m) => m.to === JANE.email && m.text.includes(invoice.number)).at(-1)
    const link = mail?.text.match(/Pay online: (http\S+\/pay\/[\w-]+)/)?.[1]
    expect(link, mail?.text).toBeTruthy()
    // Pay on the invoice's page.
    const opened = await fetch(`${link}/checkout`, { redirect: 'manual' })
    expect(opened.status).toBe(303)
    expect(opened.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.test\//)
  })

  it('plans one email to reach out to Jane in 6 months', async () => {
    const pending = expectData(
      await app.query({ type: 'scheduled_messages', contact_id: run.outcome.contactId, kind: 'reach_out', status: 'pending' }),
    )
    expect(pending.items).toHaveLength(1)
    expect(pending.items[0].id).toBe(run.outcome.reachOutId)
    expect(pending.items[0].send_at.slice(0, 10)).toBe(addMonths(clock.now().toISOString().slice(0, 10), 6))
  })
})
