import { expect } from 'vitest'
import { allowAgentWords, made, PAYMENT_INSTRUCTIONS, settings, signedIn } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

/** The fixed "now" of the money page tests: Thursday 2026-11-05, 09:30 in Chicago. */
export const NOW = new Date('2026-11-05T15:30:00Z')

/** A business with customers, a catalog, invoices in every state and a finished job not yet invoiced. */
export interface MoneyFixture {
  app: TestApp
  jane: string
  bob: string
  window: string
  /** Jane's, sent and past due; Bob's, sent and due later; Jane's draft; Bob's, paid. */
  invoices: { overdue: Invoice; open: Invoice; draft: Invoice; paid: Invoice }
  /** Jane's completed job with no invoice. */
  finishedTicket: { id: string; number: number }
}

/** An invoice's id and number. */
export interface Invoice {
  id: string
  number: string
  total: number
}

/** Starts the app over a fresh database on the engine and makes the fixture's records through the API; names may carry extra text. */
export async function moneyFixture(engine: 'pglite' | 'postgres', extra = ''): Promise<MoneyFixture> {
  const app = await startTestApp(engine, { now: () => NOW })
  // Pages and fields under test, not the owner's queue: the owner allowed the agent's words always.
  await allowAgentWords(app)
  app.services.integrations.stripe = null
  await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
  const jane = (await made(app, 'contact', 'create', { display_name: `Jane Smith${extra}`, email: 'jane@example.com' })).id
  const bob = (await made(app, 'contact', 'create', { display_name: `Bob Jones${extra}`, email: 'bob@example.com' })).id
  const window = (
    await made(app, 'service', 'create', {
      name: `Window cleaning${extra}`,
      pricing: 'fixed',
      price_cents: 15000,
      default_duration_minutes: 60,
    })
  ).id
  const invoice = async (contactId: string, issued: string, due: string, description: string): Promise<Invoice> => {
    const i = await made(app, 'invoice', 'create', {
      contact_id: contactId,
      issued_on: issued,
      due_on: due,
      line_items: [{ description: `${description}${extra}`, quantity: 2, unit_price_cents: 5000 }],
      notes: extra ? `Thanks${extra}` : undefined,
    })
    return { id: i.id, number: i.number, total: i.total_cents }
  }
  const send = (i: Invoice) => made(app, 'invoice', 'send', { invoice_id: i.id }, 'The job is done')
  const overdue = await invoice(jane, '2026-10-01', '2026-10-15', 'Gutters')
  await send(overdue)
  const open = await invoice(bob, '2026-11-04', '2026-11-19', 'Screens')
  await send(open)
  const draft = await invoice(jane, '2026-11-05', '2026-11-20', 'Skylights')
  const paid = await invoice(bob, '2026-09-01', '2026-09-15', 'Siding')
  await send(paid)
  await made(
    app,
    'invoice',
    'record_payment',
    {
      invoice_id: paid.id,
      amount_cents: paid.total,
      method: 'check',
      reference: `Check 1042${extra}`,
    },
    'The customer paid',
  )
  const ticket = await made(app, 'ticket', 'create', {
    contact_id: jane,
    scheduled_start: '2026-11-04T09:00',
    duration_minutes: 60,
    line_items: [{ service_id: window }],
  })
  const owner = await signedIn(app, app.tenant.owner_user_id)
  const closed = await owner.action('ticket', 'close', {
    ticket_id: ticket.id,
    duration_minutes: 60,
    line_items: [{ service_id: window }],
    notes: '',
    next_service: { kind: 'none' },
  })
  expect(closed.status, JSON.stringify(closed.body.error)).toBe(200)
  return { app, jane, bob, window, invoices: { overdue, open, draft, paid }, finishedTicket: { id: ticket.id, number: ticket.number } }
}
